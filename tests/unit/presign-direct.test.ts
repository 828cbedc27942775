import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EndpointCache } from "../../src/client/endpoint.js";
import { type PresignOptions, S3 } from "../../src/index.js";

const credentials = {
  accessKeyId: "AKIAEXAMPLEEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjE+/token==",
};

/** Stores and bucket names whose endpoints the SDK resolves differently. */
const SETUPS: Array<{ name: string; s3: () => S3; buckets: string[] }> = [
  {
    name: "AWS, a region",
    s3: () => new S3({ region: "eu-west-1", credentials }),
    buckets: ["example-bucket", "b.with.dots"],
  },
  {
    name: "AWS, aws-global",
    s3: () => new S3({ region: "aws-global", credentials }),
    buckets: ["example-bucket"],
  },
  {
    name: "AWS, dual-stack and FIPS",
    s3: () =>
      new S3({
        client: new S3Client({
          region: "us-east-2",
          credentials,
          useDualstackEndpoint: true,
          useFipsEndpoint: true,
        }),
      }),
    buckets: ["example-bucket"],
  },
  {
    name: "a custom endpoint, path-style",
    s3: () => new S3({ region: "us-east-1", credentials, endpoint: "http://127.0.0.1:9000" }),
    buckets: ["bucket", "b.with.dots"],
  },
  {
    name: "a custom endpoint with a base path and port, virtual-hosted",
    s3: () =>
      new S3({
        region: "auto",
        credentials,
        endpoint: "https://store.example:8443/base",
        forcePathStyle: false,
      }),
    buckets: ["bucket"],
  },
];

const KEYS = ["k", "a b/c+d~e%f/ü/./x//y/", "日本/😀", "x!y'z(1)*&?#=", "../up"];

const OPTIONS: PresignOptions[] = [
  {},
  { expiresIn: 1 },
  {
    expiresIn: 604_800,
    contentType: "text/csv",
    versionId: "3/L4kq+tJl",
    filename: "Zürich (1).pdf",
  },
  { method: "PUT" },
  {
    method: "PUT",
    contentType: "image/png",
    contentLength: 1234,
    checksumSHA256: "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=",
    metadata: { Owner: "al  ice", "a-b": "1+1" },
    tags: { team: "blue", "x y": "=" },
    ifNoneMatch: "*",
  },
];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 2, 3, 4, 5, 678) });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("presign without the SDK's presigner", () => {
  it.each(SETUPS)("gives the SDK presigner's very URL: $name", async ({ s3: make, buckets }) => {
    const s3 = make();
    const cases = buckets.flatMap((bucket) =>
      KEYS.flatMap((key) => OPTIONS.map((options) => ({ bucket, key, options }))),
    );
    const endpoints = vi.spyOn(EndpointCache.prototype, "of");
    const direct = await Promise.all(
      cases.map(({ bucket, key, options }) => s3.bucket(bucket).presign(key, options)),
    );
    // Each signed directly: every bucket had an endpoint plain SigV4 signs.
    const resolved = await Promise.all(endpoints.mock.results.map((result) => result.value));
    expect(resolved.length).toBe(cases.length);
    expect(resolved).not.toContain(undefined);
    // The same links through the SDK's presigner, s3kit's path for an unusual endpoint.
    endpoints.mockResolvedValue(undefined);
    const viaSdk = await Promise.all(
      cases.map(({ bucket, key, options }) => s3.bucket(bucket).presign(key, options)),
    );
    for (const [index, { bucket, key, options }] of cases.entries()) {
      expect(direct[index], JSON.stringify({ bucket, key, options })).toBe(viaSdk[index]);
    }
    s3.close();
  });

  it("resolves each bucket's endpoint once, however many links it signs", async () => {
    const s3 = new S3({ region: "eu-west-1", credentials });
    const resolve = vi.spyOn(EndpointCache.prototype, "of");
    const bucket = s3.bucket("example-bucket");
    const first = await bucket.presign("a");
    for (let index = 0; index < 20; index += 1) await bucket.presign(`k${index}`);
    expect(new URL(first).host).toBe("example-bucket.s3.eu-west-1.amazonaws.com");
    expect(resolve).toHaveBeenCalledTimes(21);
    const results = await Promise.all(resolve.mock.results.map((result) => result.value));
    // One promise, resolved once, answers every call.
    expect(new Set(results).size).toBe(1);
    s3.close();
  });
});
