import {
  CreateMultipartUploadCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Bucket,
  BucketNotFoundError,
  Prefix,
  type S3,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { removeBucket } from "../helpers/remove-bucket.js";
import {
  countRequests,
  enableVersioning,
  rawClient,
  testS3,
  uniqueBucketName,
} from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

let s3: S3;
let raw: S3Client;
let created: string[];

beforeEach(() => {
  s3 = testS3();
  raw = rawClient();
  created = [];
});

afterEach(async () => {
  const existing = new Set(
    ((await raw.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name),
  );
  for (const name of created) if (existing.has(name)) await removeBucket(raw, name);
  s3.close();
  raw.destroy();
});

function newName(label: string): string {
  const name = uniqueBucketName(label);
  created.push(name);
  return name;
}

async function rawBucketExists(name: string): Promise<boolean> {
  try {
    await raw.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch {
    return false;
  }
}

describe("createBucket, listBuckets, deleteBucket", () => {
  it("createBucket returns the Bucket, listBuckets shows it with its creation date", async () => {
    const name = newName("create");
    const before = Date.now() - 60_000;
    const bucket = await s3.createBucket(name);
    expect(bucket).toBeInstanceOf(Bucket);
    expect(bucket.name).toBe(name);
    expect(bucket.path).toBe("");
    expect(await rawBucketExists(name)).toBe(true);
    const listed = (await s3.listBuckets()).find((b) => b.name === name);
    expect(listed).toBeDefined();
    expect(listed?.createdAt).toBeInstanceOf(Date);
    expect(listed?.createdAt?.getTime()).toBeGreaterThan(before);
    await bucket.put("a.txt", "works");
    expect(await bucket.getText("a.txt")).toBe("works");
  });

  it("createBucket is idempotent for a bucket you own, and keeps its contents", async () => {
    const name = newName("idem");
    const first = await s3.createBucket(name);
    await first.put("keep.txt", "kept");
    const second = await s3.createBucket(name);
    expect(second.name).toBe(name);
    expect(await second.getText("keep.txt")).toBe("kept");
    // From another S3 instance too (no shared memory of the first create).
    const other = testS3();
    await expect(other.createBucket(name)).resolves.toBeInstanceOf(Bucket);
    other.close();
  });

  it("createBucket passes its defaults to the returned Bucket", async () => {
    const name = newName("defaults");
    const bucket = await s3.createBucket(name, { defaults: { cacheControl: "max-age=5" } });
    await bucket.put("a.txt", "x");
    expect((await bucket.head("a.txt")).cacheControl).toBe("max-age=5");
  });

  it("deleteBucket removes an empty bucket", async () => {
    const name = newName("delete");
    await s3.createBucket(name);
    await s3.deleteBucket(name);
    expect(await rawBucketExists(name)).toBe(false);
    expect((await s3.listBuckets()).some((b) => b.name === name)).toBe(false);
  });

  it("deleteBucket of a missing bucket → BucketNotFoundError", async () => {
    const name = uniqueBucketName("never");
    await expect(s3.deleteBucket(name)).rejects.toBeInstanceOf(BucketNotFoundError);
  });

  it("deleteBucket of a non-empty bucket without force → S3OperationError BucketNotEmpty, contents kept", async () => {
    const name = newName("full");
    const bucket = await s3.createBucket(name);
    await bucket.put("a.txt", "a");
    const error = await s3.deleteBucket(name).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "BucketNotEmpty",
      bucket: name,
      status: 409,
      retryable: false,
    });
    expect(await bucket.getText("a.txt")).toBe("a");
  });

  it("deleteBucket with force empties it first: objects and incomplete uploads", async (context) => {
    needs(context, "multipartListing");
    const name = newName("force");
    const bucket = await s3.createBucket(name);
    for (let i = 0; i < 25; i++) await bucket.put(`dir/${i % 3}/obj-${i}.txt`, `${i}`);
    await bucket.put("top.json", { a: 1 });
    const upload = await raw.send(
      new CreateMultipartUploadCommand({ Bucket: name, Key: "unfinished.bin" }),
    );
    await raw.send(
      new UploadPartCommand({
        Bucket: name,
        Key: "unfinished.bin",
        UploadId: upload.UploadId,
        PartNumber: 1,
        Body: new Uint8Array(1024),
      }),
    );
    expect(
      (await raw.send(new ListMultipartUploadsCommand({ Bucket: name }))).Uploads ?? [],
    ).toHaveLength(1);
    await s3.deleteBucket(name, { force: true });
    expect(await rawBucketExists(name)).toBe(false);
  });

  it("deleteBucket with force empties a versioned bucket too: old versions and delete markers", async (context) => {
    needs(context, "versioning", "encodedVersionListing");
    const name = newName("versioned");
    const bucket = await s3.createBucket(name);
    await enableVersioning(raw, name);
    await bucket.put("doc.txt", "v1");
    await bucket.put("doc.txt", "v2");
    await bucket.put("gone.txt", "x");
    await bucket.delete("gone.txt");
    await bucket.put("ctrl\u0001key", "x");
    const versions = await raw.send(new ListObjectVersionsCommand({ Bucket: name }));
    expect((versions.Versions ?? []).length + (versions.DeleteMarkers ?? []).length).toBe(5);
    await s3.deleteBucket(name, { force: true });
    expect(await rawBucketExists(name)).toBe(false);
  });

  it("deleteBucket with force empties a versioned bucket of more than 1,000 versions and delete markers", async (context) => {
    needs(context, "versioning");
    const name = newName("many-versions");
    const bucket = await s3.createBucket(name);
    await enableVersioning(raw, name);
    // 560 versions, then a delete marker over each: 1,120 entries, two listing pages.
    const keys = Array.from({ length: 560 }, (_, i) => `k/${String(i).padStart(4, "0")}`);
    for (let i = 0; i < keys.length; i += 40) {
      await Promise.all(keys.slice(i, i + 40).map((key) => bucket.put(key, "x")));
    }
    expect((await bucket.deleteMany(keys)).ok).toBe(true);
    const listed = await raw.send(new ListObjectVersionsCommand({ Bucket: name }));
    expect(listed.IsTruncated).toBe(true);
    await s3.deleteBucket(name, { force: true });
    expect(await rawBucketExists(name)).toBe(false);
  });

  it("a handle made before deleteBucket reports the bucket missing afterwards", async () => {
    const name = newName("stale");
    const bucket = await s3.createBucket(name);
    await bucket.put("a.txt", "a");
    await s3.deleteBucket(name, { force: true });
    await expect(bucket.exists("a.txt")).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(bucket.getText("a.txt")).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});

describe("bucket() and fromUrl() against the server", () => {
  it("bucket() sends no request", () => {
    const counts = countRequests(s3);
    s3.bucket("no-request-needed").prefix("a", "b");
    expect(counts.size).toBe(0);
  });

  it("fromUrl names the scope an s3:// URL points at", async () => {
    const name = newName("url");
    await s3.createBucket(name);
    const folder = s3.fromUrl(`s3://${name}/reports/2025`);
    expect(folder).toBeInstanceOf(Prefix);
    expect(folder.path).toBe("reports/2025/");
    await folder.put("q1.csv", "a,b");
    const root = s3.fromUrl(`s3://${name}`);
    expect(root).toBeInstanceOf(Bucket);
    expect(await root.getText("reports/2025/q1.csv")).toBe("a,b");
    expect(await s3.fromUrl(`s3://${name}/reports/`).getText("2025/q1.csv")).toBe("a,b");
    expect(() => s3.fromUrl(`https://${name}.s3.amazonaws.com/x`)).toThrow(ValidationError);
  });
});

describe("close and using", () => {
  it("`using` works around real requests and closes at the end of the block", async () => {
    const name = newName("using");
    {
      using scoped = testS3();
      const bucket = await scoped.createBucket(name);
      await bucket.put("a.txt", "from using");
      expect(await bucket.getText("a.txt")).toBe("from using");
    }
    expect(await s3.bucket(name).getText("a.txt")).toBe("from using");
  });

  it("close() can be called twice", async () => {
    const other = testS3();
    await other.listBuckets();
    other.close();
    expect(() => other.close()).not.toThrow();
  });
});
