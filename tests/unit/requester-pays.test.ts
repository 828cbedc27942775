import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EndpointCache } from "../../src/client/endpoint.js";
import { S3, type Scope, ValidationError } from "../../src/index.js";
import { drain } from "../helpers/assertions.js";
import { fakeCredentials, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";
import { BIG_KEY, FAILING_KEY, MISSING_KEY, permissiveStore } from "../helpers/permissive-store.js";
import { operationOf } from "../helpers/s3-wire.js";

// MinIO has no requester-pays buckets (it neither charges nor checks x-amz-request-payer), so
// the promise is checked on the wire: a fake store records every request's headers while
// every operation of a scope runs, on both transports.

const fakes = useFakeS3();
const dir = useTempDir("requester-pays");

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const MIB = 1024 * 1024;

/** Every operation of a scope, each sending at least one request (keys under it). */
async function everyOperation(scope: Scope, path: string): Promise<void> {
  await scope.getText("k");
  await scope.getBytes("k", { range: { offset: 0, length: 2 } });
  await scope.getJson("k").catch(() => undefined);
  await scope.exists("k");
  await scope.exists(MISSING_KEY);
  await scope.head("k");
  await scope.stream("k").then((body) => body.toArray());
  for await (const _line of scope.lines("k"));
  const opened = await scope.open("k");
  if (opened.body) await drain(opened.body);
  await (await scope.respond("k", new Request("http://app.test/k"))).arrayBuffer();
  await scope.download("k", join(path, "k.txt"));
  await scope.put("k", "v");
  await scope.upload(new Uint8Array(5 * MIB + 1), "multi", { partSize: 5 * MIB });
  await scope
    .upload(new Uint8Array(5 * MIB + 1), FAILING_KEY, { partSize: 5 * MIB })
    .catch(() => undefined);
  await scope.delete("k");
  await scope.list();
  for await (const _folder of scope.folders());
  await scope.copy("k", "k2");
  await scope.copy(BIG_KEY, "k3", { copyThreshold: 5 * MIB, partSize: 5 * MIB });
  await scope.copyMany([["k", "k4"]]);
  await scope.move("k", "k5");
  await scope.setTags("k", { a: "b" });
  await scope.getTags("k");
  await scope.setTags("k", {});
  await scope.deleteMany(["k", "k2"]);
  await scope.deleteAll();
  await scope.abortUploads();
  await writeFile(join(path, "up.txt"), "up");
  await scope.uploadDir(path);
  await scope.downloadDir(join(path, "down"));
}

/** The requests of `requests` without the header, by operation (none is the promise). */
function withoutHeader(requests: SeenRequest[]): string[] {
  return requests
    .filter((request) => request.headers["x-amz-request-payer"] !== "requester")
    .map((request) => `${request.method} ${operationOf(request)} ${request.url}`);
}

describe("requester pays: every request of a scope says x-amz-request-payer", () => {
  it.each(TRANSPORTS)("requestPayer: true on the S3, transport %s", async (transport) => {
    const { server, s3 } = await fakes.serve(permissiveStore, { transport, requestPayer: true });
    await everyOperation(s3.bucket("b").prefix("p"), dir.path);
    const operations = new Set(server.requests.map(operationOf));
    // Every kind of request: reads, writes, multipart, copies, tags, listings, batch deletes.
    for (const name of [
      "GetObject",
      "HeadObject",
      "HeadBucket",
      "PutObject",
      "CreateMultipartUpload",
      "UploadPart",
      "CompleteMultipartUpload",
      "AbortMultipartUpload",
      "ListParts",
      "UploadPartCopy",
      "GetObjectTagging",
      "DeleteObject",
      "ListObjectsV2",
      "ListMultipartUploads",
      "DeleteObjects",
    ]) {
      expect(operations, name).toContain(name);
    }
    expect(server.requests.some((r) => "x-amz-copy-source" in r.headers)).toBe(true);
    expect(withoutHeader(server.requests)).toEqual([]);
  });

  it.each(TRANSPORTS)(
    "from a bucket's default, inherited by its prefixes (%s)",
    async (transport) => {
      const { server, s3 } = await fakes.serve(permissiveStore, { transport });
      const bucket = s3.bucket("b", { defaults: { requestPayer: true } });
      await everyOperation(
        bucket.prefix("p", { defaults: { cacheControl: "no-cache" } }),
        dir.path,
      );
      expect(server.requests.length).toBeGreaterThan(30);
      expect(withoutHeader(server.requests)).toEqual([]);
    },
  );

  it.each(TRANSPORTS)("is signed: the header is in SignedHeaders (%s)", async (transport) => {
    const { server, s3 } = await fakes.serve(permissiveStore, { transport, requestPayer: true });
    await s3.bucket("b").getText("k");
    await s3.bucket("b").put("k", "v");
    for (const request of server.requests) {
      expect(String(request.headers.authorization)).toMatch(
        /SignedHeaders=[^,]*x-amz-request-payer/,
      );
    }
  });

  it.each(TRANSPORTS)("a scope's false turns the S3-wide true off (%s)", async (transport) => {
    const { server, s3 } = await fakes.serve(permissiveStore, { transport, requestPayer: true });
    const off = s3.bucket("b").prefix("p", { defaults: { requestPayer: false } });
    await everyOperation(off, dir.path);
    expect(server.requests.filter((r) => "x-amz-request-payer" in r.headers)).toEqual([]);
    // …and a prefix below it may turn it on again.
    server.requests.length = 0;
    await off.prefix("q", { defaults: { requestPayer: true } }).getText("k");
    await s3.bucket("b", { defaults: { requestPayer: false } }).getText("k");
    expect(server.requests.map((r) => r.headers["x-amz-request-payer"])).toEqual([
      "requester",
      undefined,
    ]);
  });

  it.each(TRANSPORTS)("off by default: no request says it (%s)", async (transport) => {
    const { server, s3 } = await fakes.serve(permissiveStore, { transport });
    await everyOperation(s3.bucket("b").prefix("p"), dir.path);
    expect(server.requests.filter((r) => "x-amz-request-payer" in r.headers)).toEqual([]);
  });

  it("AWS_REQUESTER_PAYS=true turns it on, =false (any case) leaves it off", async () => {
    vi.stubEnv("AWS_REQUESTER_PAYS", "true");
    const { server, s3 } = await fakes.serve(permissiveStore);
    await s3.bucket("b").getText("k");
    vi.stubEnv("AWS_REQUESTER_PAYS", "FALSE");
    const { server: other, s3: off } = await fakes.serve(permissiveStore);
    await off.bucket("b").getText("k");
    // The option wins over the variable.
    vi.stubEnv("AWS_REQUESTER_PAYS", "true");
    const { server: third, s3: chosen } = await fakes.serve(permissiveStore, {
      requestPayer: false,
    });
    await chosen.bucket("b").getText("k");
    expect(server.requests[0]?.headers["x-amz-request-payer"]).toBe("requester");
    expect(other.requests[0]?.headers["x-amz-request-payer"]).toBeUndefined();
    expect(third.requests[0]?.headers["x-amz-request-payer"]).toBeUndefined();
  });

  it("deleteBucket({ force }) empties a requester-pays bucket confirming it", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore, { requestPayer: true });
    // The fake store lists its version again after each delete, so the emptying gives up.
    await expect(s3.deleteBucket("b", { force: true })).rejects.toThrow(/still listed/);
    const emptying = server.requests.filter((r) => operationOf(r) !== "DeleteBucket");
    expect(new Set(emptying.map(operationOf))).toEqual(
      new Set([
        "ListMultipartUploads",
        "AbortMultipartUpload",
        "ListObjectVersions",
        "DeleteObjects",
      ]),
    );
    expect(withoutHeader(emptying)).toEqual([]);
  });
});

describe("requester pays: presigned links carry it signed in their query", () => {
  const credentials = fakeCredentials;

  it("GET and PUT links sign x-amz-request-payer=requester, as the SDK's presigner does", async () => {
    const s3 = new S3({ region: "eu-west-1", credentials, requestPayer: true });
    const bucket = s3.bucket("example-bucket");
    const get = new URL(await bucket.presign("a b", { filename: "x.pdf" }));
    const put = new URL(await bucket.presign("k", { method: "PUT", contentType: "text/plain" }));
    for (const url of [get, put]) {
      expect(url.searchParams.get("x-amz-request-payer")).toBe("requester");
      // A query parameter, so the browser need not send the header: only host (and a PUT's own).
      expect(url.searchParams.get("X-Amz-SignedHeaders")).not.toContain("x-amz-request-payer");
    }
    // The same URLs as the SDK's presigner gives for them (s3kit's way for unusual endpoints).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 2, 3, 4, 5) });
    try {
      const direct = [await bucket.presign("a b"), await bucket.presign("k", { method: "PUT" })];
      vi.spyOn(EndpointCache.prototype, "of").mockResolvedValue(undefined);
      const viaSdk = [await bucket.presign("a b"), await bucket.presign("k", { method: "PUT" })];
      expect(direct).toEqual(viaSdk);
    } finally {
      vi.useRealTimers();
    }
    const plain = new URL(await s3.bucket("b", { defaults: { requestPayer: false } }).presign("k"));
    expect(plain.searchParams.has("x-amz-request-payer")).toBe(false);
    s3.close();
  });

  it("a presigned GET with it is accepted by the store that checks the signature", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore, { requestPayer: true });
    const url = await s3.bucket("b").presign("k");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(
      new URL(server.requests[0]?.url ?? "", "http://x").searchParams.get("x-amz-request-payer"),
    ).toBe("requester");
  });

  it("presignPost refuses: S3 takes the confirmation only as a header a form cannot send", async () => {
    const s3 = new S3({ region: "eu-west-1", credentials, requestPayer: true });
    const refused = s3.bucket("b").presignPost("k");
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/x-amz-request-payer.*requestPayer: false/);
    // The bucket's owner needs no confirmation: with it off, the form is signed.
    const owner = s3.bucket("b", { defaults: { requestPayer: false } });
    await expect(owner.presignPost("k")).resolves.toHaveProperty("fields.Policy");
    s3.close();
  });
});

describe("requester pays: bad settings are refused before any request", () => {
  it.each([
    [{ requestPayer: "yes" }, /requestPayer must be a boolean/],
    [{ requestPayer: 1 }, /requestPayer must be a boolean/],
  ])("new S3(%o)", (options, message) => {
    expect(() => new S3(options as never)).toThrow(ValidationError);
    expect(() => new S3(options as never)).toThrow(message);
  });

  it.each(["yes", "1", "on", "requester"])("AWS_REQUESTER_PAYS=%s", (value) => {
    vi.stubEnv("AWS_REQUESTER_PAYS", value);
    expect(() => new S3({ region: "us-east-1" })).toThrow(ValidationError);
    expect(() => new S3({ region: "us-east-1" })).toThrow(
      /AWS_REQUESTER_PAYS variable must be "true" or "false"/,
    );
  });

  it("a scope's requestPayer that is not a boolean", async () => {
    const { server, s3 } = await fakes.serve(permissiveStore);
    const bad = { requestPayer: "requester" } as never;
    expect(() => s3.bucket("b", { defaults: bad })).toThrow(ValidationError);
    expect(() => s3.bucket("b").prefix("p", { defaults: bad })).toThrow(
      /requestPayer must be a boolean/,
    );
    expect(server.requests).toEqual([]);
  });

  it("works with a client of the caller's too (it is no connection option)", async () => {
    const { server, s3: made } = await fakes.serve(permissiveStore);
    const s3 = new S3({ client: made.client, requestPayer: true });
    await s3.bucket("b").getText("k");
    expect(server.requests[0]?.headers["x-amz-request-payer"]).toBe("requester");
  });
});
