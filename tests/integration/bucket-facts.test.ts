import { describe, expect, it } from "vitest";
import { AccessDeniedError, BucketNotFoundError } from "../../src/index.js";
import { testS3, testServer, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

// Item 9 of issue 13 against the store: exists() and region(). MinIO has one region (the one
// it was started with, MINIO_REGION) and never answers 301, but it refuses a request signed
// for another region with 400 AuthorizationHeaderMalformed naming its own: an S3 configured
// for the wrong region shows the redirect on a real store. The 301 of AWS is played by
// fake-s3 (tests/unit/bucket-facts.test.ts).

const t = useTestBucket();

describe("bucket facts", () => {
  it("exists() is true for a bucket, false for one never made or deleted", async () => {
    expect(await t.bucket.exists()).toBe(true);
    expect(await t.s3.bucket(uniqueBucketName("none")).exists()).toBe(false);
    const doomed = await t.s3.createBucket(uniqueBucketName("doomed"));
    expect(await doomed.exists()).toBe(true);
    await t.s3.deleteBucket(doomed.name);
    expect(await doomed.exists()).toBe(false);
  });

  it("exists(key) on a bucket still asks about the object", async () => {
    await t.bucket.put("k", "x");
    expect(await t.bucket.exists("k")).toBe(true);
    expect(await t.bucket.exists("missing")).toBe(false);
  });

  it("exists() of a bucket these credentials may not see is AccessDeniedError", async (context) => {
    needs(context, "signatures");
    const stranger = testS3({
      credentials: { accessKeyId: testServer().accessKeyId, secretAccessKey: "not-the-secret-key" },
    });
    try {
      const error = await stranger
        .bucket(t.bucket.name)
        .exists()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AccessDeniedError);
      expect(error).toMatchObject({ status: 403, operation: "HeadBucket" });
    } finally {
      stranger.close();
    }
  });

  it("region() is the store's region (MinIO: the one it was started with)", async () => {
    expect(await t.bucket.region()).toBe(testServer().region);
  });

  it("region() of a missing bucket is BucketNotFoundError", async () => {
    await expect(t.s3.bucket(uniqueBucketName("none")).region()).rejects.toThrow(
      BucketNotFoundError,
    );
  });
});

describe.each(["lean", "sdk"] as const)("bucket facts: another region (%s)", (transport) => {
  it("an S3 configured for another region works after one refusal, and remembers", async (context) => {
    needs(context, "signatures");
    const failures: string[] = [];
    const elsewhere = testS3({
      region: testServer().region === "eu-west-1" ? "us-east-1" : "eu-west-1",
      transport,
      logger: {
        debug: (message, fields) =>
          message.endsWith("failed") && failures.push(String(fields.error)),
      },
    });
    try {
      const bucket = elsewhere.bucket(t.bucket.name);
      await bucket.put("k", "hello");
      expect(await bucket.getText("k")).toBe("hello");
      expect((await bucket.list()).map((o) => o.key)).toEqual(["k"]);
      expect(await bucket.exists()).toBe(true);
      expect(await bucket.region()).toBe(testServer().region);
      expect(failures).toEqual(["AuthorizationHeaderMalformed"]);
    } finally {
      elsewhere.close();
    }
  });
});
