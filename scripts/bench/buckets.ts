import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { type Digest, digestStream } from "./files.js";

/**
 * Creates a bucket with a fresh random name and returns the name. The raw SDK does the
 * setup and teardown, so the harness never trusts the code it measures.
 * @throws the SDK error when the bucket cannot be created.
 */
export async function createBenchBucket(client: S3Client, label: string): Promise<string> {
  const name = `s3kit-bench-${label}-${randomBytes(4).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/**
 * Deletes every object and incomplete multipart upload in a bucket, then the bucket.
 * @throws the SDK error of the first request that fails.
 */
export async function removeBenchBucket(client: S3Client, Bucket: string): Promise<void> {
  for await (const page of paginateListObjectsV2({ client }, { Bucket })) {
    await deleteKeys(
      client,
      Bucket,
      (page.Contents ?? []).map((object) => object.Key ?? ""),
    );
  }
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket }));
  for (const upload of uploads.Uploads ?? []) {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }),
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket }));
}

/** The keys `seedKeys` writes, in S3's listing order. */
export function seededKeys(count: number): string[] {
  const width = String(count - 1).length;
  return Array.from({ length: count }, (_, i) => `items/${String(i).padStart(width, "0")}.json`);
}

/**
 * Writes `keys` as tiny objects (`body(i)`, by default a JSON line), many at once (setup
 * only, not measured).
 * @throws the SDK error of the first PutObject that fails.
 */
export async function seedKeys(
  client: S3Client,
  Bucket: string,
  keys: readonly string[],
  body: (index: number) => string | Uint8Array = (i) => `{"i":${i}}`,
): Promise<void> {
  const limit = pLimit(32);
  await Promise.all(
    keys.map((Key, i) =>
      limit(() => client.send(new PutObjectCommand({ Bucket, Key, Body: body(i) }))),
    ),
  );
}

/**
 * Deletes `keys` (setup and teardown only, not measured), 1000 per request.
 * @throws the SDK error of the first request that fails.
 */
export async function deleteKeys(
  client: S3Client,
  Bucket: string,
  keys: readonly string[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
  }
}

/**
 * What the object at `Key` holds, read back with the raw SDK (checks only, never timed): its
 * size, and its SHA-256 when `deep`.
 * @throws the SDK error when the object cannot be read.
 */
export async function readBack(
  client: S3Client,
  Bucket: string,
  Key: string,
  deep: boolean,
): Promise<Partial<Digest>> {
  if (!deep) {
    const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
    return { size: head.ContentLength };
  }
  const output = await client.send(new GetObjectCommand({ Bucket, Key }));
  if (!(output.Body instanceof Readable)) throw new Error("GetObject returned no Node stream");
  return digestStream(output.Body);
}
