import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PolicyRetryStrategy } from "../../src/client/retry-strategy.js";
import { Bucket, Prefix, S3, S3OperationError, type S3Options } from "../../src/index.js";
import { fakeCredentials, fakeS3Client, okText, useFakeS3 } from "../helpers/fake-s3.js";

const fakes = useFakeS3();

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A fake S3, closed after the test, answering every request with `reply()` (default: 200, empty). */
function fake(reply = () => okText("")) {
  return fakes.start(reply);
}

/** No endpoint or region from the environment of whoever runs the tests. */
function cleanEnv(): void {
  for (const name of [
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
  ]) {
    vi.stubEnv(name, undefined);
  }
}

describe("connection options", () => {
  it("passes region, endpoint and credentials to the client, and sends nothing on construction", async () => {
    const server = await fake();
    const s3 = new S3({
      region: "eu-west-3",
      endpoint: server.endpoint,
      credentials: fakeCredentials,
    });
    expect(await s3.client.config.region()).toBe("eu-west-3");
    const endpoint = await s3.client.config.endpoint?.();
    expect(endpoint?.hostname).toBe("127.0.0.1");
    expect(String(endpoint?.port)).toBe(new URL(server.endpoint).port);
    const credentials = await s3.client.config.credentials();
    expect(credentials.accessKeyId).toBe(fakeCredentials.accessKeyId);
    s3.bucket("b").prefix("p");
    expect(server.requests).toHaveLength(0);
    s3.close();
  });

  it("defaults to us-east-1 and path-style URLs with a custom endpoint", async () => {
    cleanEnv();
    const server = await fake();
    const s3 = new S3({ endpoint: server.endpoint, credentials: fakeCredentials });
    expect(await s3.client.config.region()).toBe("us-east-1");
    expect(s3.client.config.forcePathStyle).toBe(true);
    await s3.bucket("my-bucket").getText("dir/k.txt");
    expect(server.requests[0]?.url).toMatch(/^\/my-bucket\/dir\/k\.txt/);
    expect(server.requests[0]?.headers.authorization).toContain("us-east-1/s3/aws4_request");
    s3.close();
  });

  it("keeps forcePathStyle as given", () => {
    cleanEnv();
    const s3 = new S3({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      forcePathStyle: false,
    });
    expect(s3.client.config.forcePathStyle).toBe(false);
    const aws = new S3({ region: "us-east-1" });
    expect(aws.client.config.forcePathStyle).toBe(false);
    s3.close();
    aws.close();
  });

  it("uses a credentials provider when given one", async () => {
    const server = await fake();
    const provider = vi.fn(async () => fakeCredentials);
    const s3 = new S3({ endpoint: server.endpoint, credentials: provider });
    await s3.bucket("b").getText("k");
    expect(provider).toHaveBeenCalled();
    expect(server.requests[0]?.headers.authorization).toContain(fakeCredentials.accessKeyId);
    s3.close();
  });

  it("takes the endpoint from AWS_ENDPOINT_URL and treats it as custom", async () => {
    cleanEnv();
    const server = await fake();
    vi.stubEnv("AWS_ENDPOINT_URL", server.endpoint);
    const s3 = new S3({ credentials: fakeCredentials });
    expect(await s3.client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await s3.bucket("b").getText("k")).toBe("");
    expect(server.requests).toHaveLength(1);
    s3.close();
  });
});

describe("checksums", () => {
  it('custom endpoint → "when-required"', async () => {
    cleanEnv();
    const s3 = new S3({ endpoint: "http://127.0.0.1:9000", credentials: fakeCredentials });
    expect(await s3.client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await s3.client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
    s3.close();
  });

  it('AWS (no endpoint) → the SDK default "when-supported"', async () => {
    cleanEnv();
    const s3 = new S3({ region: "us-east-1", credentials: fakeCredentials });
    expect(await s3.client.config.requestChecksumCalculation()).toBe("WHEN_SUPPORTED");
    expect(await s3.client.config.responseChecksumValidation()).toBe("WHEN_SUPPORTED");
    s3.close();
  });

  it("an explicit setting wins either way", async () => {
    cleanEnv();
    const custom = new S3({ endpoint: "http://127.0.0.1:9000", checksums: "when-supported" });
    expect(await custom.client.config.requestChecksumCalculation()).toBe("WHEN_SUPPORTED");
    const aws = new S3({ region: "us-east-1", checksums: "when-required" });
    expect(await aws.client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    custom.close();
    aws.close();
  });

  it("when-required sends no CRC32 checksum with a put; when-supported does", async () => {
    const server = await fake(() => ({ status: 200, headers: { etag: '"e"' } }));
    const required = fakeS3Client(server);
    await required.bucket("b").put("k", "hello");
    const supported = fakeS3Client(server, { checksums: "when-supported" });
    await supported.bucket("b").put("k", "hello");
    const [first, second] = server.requests;
    expect(Object.keys(first?.headers ?? {}).filter((h) => h.startsWith("x-amz-checksum"))).toEqual(
      [],
    );
    expect(first?.body).toBe("hello");
    expect(second?.headers["x-amz-checksum-crc32"]).toBeDefined();
    required.close();
    supported.close();
  });
});

describe("retry options", () => {
  it("builds the one retry strategy from maxRetries, retryDelay and maxRetryDelay", async () => {
    const s3 = new S3({ region: "us-east-1", maxRetries: 5, retryDelay: 10, maxRetryDelay: 50 });
    const strategy = await s3.client.config.retryStrategy();
    expect(strategy).toBeInstanceOf(PolicyRetryStrategy);
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    const policy = strategy as PolicyRetryStrategy;
    let token = await policy.acquireInitialRetryToken("s3");
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      token = await policy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" });
      delays.push(token.getRetryDelay());
    }
    expect(delays).toEqual([9, 19, 39, 49, 49]);
    await expect(
      policy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" }),
    ).rejects.toThrow();
    expect(await s3.client.config.maxAttempts()).toBe(6);
    s3.close();
  });

  it("requestTimeout fails a request whose server goes silent, after the retries", async () => {
    const server = await fake(() => "hang");
    const s3 = fakeS3Client(server, { requestTimeout: 150, maxRetries: 1 });
    const error = await s3
      .bucket("b")
      .getText("k")
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TimeoutError", retryable: true, operation: "GetObject" });
    expect(server.requests).toHaveLength(2);
    s3.close();
  });
});

describe("client, close and dispose", () => {
  it("uses a given S3Client as is and leaves it open on close", async () => {
    const client = new S3Client({ region: "us-east-1" });
    const destroy = vi.spyOn(client, "destroy");
    const s3 = new S3({ client });
    expect(s3.client).toBe(client);
    s3.close();
    expect(destroy).not.toHaveBeenCalled();
    client.destroy();
  });

  it("close() destroys the client it built", () => {
    const s3 = new S3({ region: "us-east-1" });
    const destroy = vi.spyOn(s3.client, "destroy");
    s3.close();
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it("`using s3 = new S3()` closes it at the end of the block", () => {
    let destroy: ReturnType<typeof vi.spyOn> | undefined;
    {
      using s3 = new S3({ region: "us-east-1" });
      destroy = vi.spyOn(s3.client, "destroy");
      expect(destroy).not.toHaveBeenCalled();
    }
    expect(destroy).toHaveBeenCalledTimes(1);
  });

  it("[Symbol.dispose] is close()", () => {
    const s3 = new S3({ region: "us-east-1" });
    const destroy = vi.spyOn(s3.client, "destroy");
    s3[Symbol.dispose]();
    expect(destroy).toHaveBeenCalledTimes(1);
  });
});

describe("S3Options: a client of your own or the connection options, not both", () => {
  const refusal = /cannot be combined with client; configure that client instead/;

  it("refuses each connection option beside a client, at compile time and at run time", () => {
    const client = new S3Client({ region: "us-east-1" });
    // Each line fails `tsc --noEmit` unless S3Options refuses the option; JS callers get the throw.
    // @ts-expect-error: region is a connection option
    expect(() => new S3({ client, region: "x" })).toThrow(/S3 options: region cannot/);
    // @ts-expect-error: endpoint is a connection option
    expect(() => new S3({ client, endpoint: "http://127.0.0.1:9" })).toThrow(refusal);
    // @ts-expect-error: forcePathStyle is a connection option
    expect(() => new S3({ client, forcePathStyle: true })).toThrow(refusal);
    // @ts-expect-error: credentials is a connection option
    expect(() => new S3({ client, credentials: fakeCredentials })).toThrow(refusal);
    // @ts-expect-error: requestTimeout is a connection option
    expect(() => new S3({ client, requestTimeout: 1000 })).toThrow(refusal);
    // @ts-expect-error: checksums is a connection option
    expect(() => new S3({ client, checksums: "when-required" })).toThrow(refusal);
    client.destroy();
  });

  it("takes the retry options and a logger with either", () => {
    const client = new S3Client({ region: "us-east-1" });
    const logger = { warn: () => {} };
    const own: S3Options = { client, maxRetries: 0, retryDelay: 1, maxRetryDelay: 5, logger };
    const built: S3Options = { region: "us-east-1", requestTimeout: 1000, maxRetries: 0, logger };
    expect(new S3(own).client).toBe(client);
    const s3 = new S3(built);
    expect(s3.client).not.toBe(client);
    s3.close();
    client.destroy();
  });
});

describe("bucket() and fromUrl()", () => {
  const s3 = new S3({ region: "us-east-1" });

  it('fromUrl("s3://bucket/a/b") is the Prefix "a/b/" of that bucket', () => {
    const scope = s3.fromUrl("s3://bucket/a/b");
    expect(scope).toBeInstanceOf(Prefix);
    expect(scope.bucketName).toBe("bucket");
    expect(scope.path).toBe("a/b/");
    expect((scope as Prefix).bucket.name).toBe("bucket");
    expect((scope as Prefix).name).toBe("b");
    expect(s3.fromUrl("s3://bucket/a/b/").path).toBe("a/b/");
    expect(scope.toString()).toBe("s3://bucket/a/b/");
  });

  it('fromUrl("s3://bucket") and "s3://bucket/" are the Bucket', () => {
    for (const url of ["s3://bucket", "s3://bucket/"]) {
      const scope = s3.fromUrl(url);
      expect(scope).toBeInstanceOf(Bucket);
      expect(scope.path).toBe("");
      expect((scope as Bucket).name).toBe("bucket");
    }
  });

  it("bucket(name, { defaults }) carries its defaults and prefixes merge theirs over them", () => {
    const bucket = s3.bucket("b", {
      defaults: { cacheControl: "max-age=60", metadata: { team: "core" } },
    });
    expect(bucket.defaults).toEqual({ cacheControl: "max-age=60", metadata: { team: "core" } });
    const child = bucket.prefix("logs", {
      defaults: { storageClass: "REDUCED_REDUNDANCY", metadata: { app: "x" } },
    });
    expect(child.path).toBe("logs/");
    expect(child.defaults).toEqual({
      cacheControl: "max-age=60",
      storageClass: "REDUCED_REDUNDANCY",
      metadata: { team: "core", app: "x" },
    });
    expect(bucket.defaults.metadata).toEqual({ team: "core" });
  });
});
