import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MinioServer, startMinio } from "../../scripts/minio.js";
import {
  type Bucket,
  BucketNotFoundError,
  type CorsRule,
  S3,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { countRequests, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { storeHas } from "../helpers/stores.js";

const t = useTestBucket();

const uploads: CorsRule[] = [
  {
    origins: ["https://app.example.com"],
    methods: ["PUT", "POST"],
    headers: ["content-type", "x-amz-*"],
    exposeHeaders: ["ETag"],
    maxAgeSeconds: 3000,
  },
];

/** A page on app.example.com that reads and uploads objects with fetch. */
const page: CorsRule[] = [
  {
    origins: ["https://app.example.com"],
    methods: ["GET", "PUT"],
    headers: ["content-type"],
    exposeHeaders: ["ETag"],
  },
];

// S3 keeps CORS rules per bucket (PutBucketCors). MinIO has no such request (NotImplemented):
// its CORS is server-wide (MINIO_API_CORS_ALLOW_ORIGIN, every origin by default), so on MinIO
// these tests check that answer instead.
describe("bucket CORS", () => {
  it("getCors of a bucket without rules is [] (S3 answers NoSuchCORSConfiguration)", async () => {
    expect(await t.bucket.getCors()).toEqual([]);
  });

  it("setCors stores the rules getCors reads back; deleteCors and setCors([]) remove them", async () => {
    const counts = countRequests(t.s3);
    if (storeHas("bucketCors")) {
      await t.bucket.setCors(uploads);
      expect(await t.bucket.getCors()).toEqual(uploads);
      await t.bucket.deleteCors();
      expect(await t.bucket.getCors()).toEqual([]);
      await t.bucket.setCors(page);
      await t.bucket.setCors([]);
      expect(await t.bucket.getCors()).toEqual([]);
      return;
    }
    for (const [call, operation] of [
      [() => t.bucket.setCors(uploads), "PutBucketCors"],
      [() => t.bucket.deleteCors(), "DeleteBucketCors"],
      [() => t.bucket.setCors([]), "DeleteBucketCors"],
    ] as const) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({
        code: "NotImplemented",
        status: 501,
        operation,
        bucket: t.bucket.name,
        retryable: false,
      });
    }
    // A 501 is not retried: each call went out once.
    expect(Object.fromEntries(counts)).toEqual({ PutBucketCors: 1, DeleteBucketCors: 2 });
    expect(await t.bucket.getCors()).toEqual([]);
  });

  it("a missing bucket is a BucketNotFoundError for getCors, setCors and deleteCors", async () => {
    const gone = t.s3.bucket(uniqueBucketName("gone"));
    await expect(gone.getCors()).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(gone.setCors(uploads)).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(gone.deleteCors()).rejects.toBeInstanceOf(BucketNotFoundError);
  });

  it("invalid rules are a ValidationError before any request", async () => {
    const counts = countRequests(t.s3);
    const trailingSlash = [{ origins: ["https://app.example.com/"], methods: ["PUT" as const] }];
    await expect(t.bucket.setCors(trailingSlash)).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.setCors([{ origins: ["*"], methods: [] }])).rejects.toThrow(
      /rules\[0\]\.methods is empty/,
    );
    expect(counts.size).toBe(0);
  });

  it("an allowed origin's preflight is answered, and a GET from it exposes ETag", async () => {
    if (storeHas("bucketCors")) await t.bucket.setCors(page);
    const origin = "https://app.example.com";
    const url = await t.bucket.presign("photo.png", { method: "PUT" });
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    await preflight.arrayBuffer();
    expect(preflight.headers.get("access-control-allow-origin")).toMatch(
      /^(https:\/\/app\.example\.com|\*)$/,
    );
    await t.bucket.put("photo.png", new Uint8Array([1]));
    const read = await fetch(await t.bucket.presign("photo.png"), { headers: { Origin: origin } });
    await read.arrayBuffer();
    expect(read.headers.get("access-control-expose-headers")).toMatch(/\bEtag\b/i);
  });
});

describe("CORS hides answers, it keeps no upload out (a MinIO allowing one origin)", () => {
  let server: MinioServer;
  let s3: S3;
  let bucket: Bucket;

  beforeAll(async () => {
    server = await startMinio({ env: { MINIO_API_CORS_ALLOW_ORIGIN: "https://app.example.com" } });
    s3 = new S3({
      endpoint: server.endpoint,
      region: server.region,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    });
    bucket = await s3.createBucket(uniqueBucketName("cors"));
  });

  afterAll(async () => {
    s3?.close();
    await server?.stop();
  });

  async function postFrom(origin: string, key: string): Promise<Response> {
    const { url, fields } = await bucket.presignPost(key, { maxSize: 1024 });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append("file", new Blob(["from a page"]), "a.txt");
    // A form POST is a "simple" request: a browser sends it without asking first (no preflight).
    return fetch(url, { method: "POST", body: form, headers: { Origin: origin } });
  }

  it("a form POST from a disallowed origin is still stored; only its answer lacks CORS headers", async () => {
    const allowed = await postFrom("https://app.example.com", "allowed.txt");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");

    const foreign = await postFrom("https://evil.example", "foreign.txt");
    expect(foreign.status).toBe(204);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect(await bucket.getText("foreign.txt")).toBe("from a page");
  });

  it("a PUT needs a preflight, which a disallowed origin does not pass", async () => {
    const url = await bucket.presign("put.txt", { method: "PUT" });
    const ask = (origin: string) =>
      fetch(url, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "PUT" },
      });
    expect((await ask("https://app.example.com")).headers.get("access-control-allow-origin")).toBe(
      "https://app.example.com",
    );
    expect(
      (await ask("https://evil.example")).headers.get("access-control-allow-origin"),
    ).toBeNull();
  });
});
