import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

interface Entry {
  Key: string;
  VersionId?: string;
}

/**
 * Rounds of list-then-delete before giving up. Each round lists from the start instead of
 * following markers: moto's ListObjectVersions can answer an empty page for a KeyMarker that
 * names a key just deleted, which would end the walk with objects left.
 */
const MAX_ROUNDS = 100;

/** A store saying it has no such listing (s3rver: 405 for ?versions, 501 for ?uploads). */
function cannotList(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 405 || status === 501;
}

/** One page of every version and delete marker, or of the current keys where versions cannot be listed. */
async function firstPage(client: S3Client, Bucket: string, plain: boolean): Promise<Entry[]> {
  if (!plain) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket }));
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? "",
      VersionId: v.VersionId,
    }));
  }
  const page = await client.send(new ListObjectsV2Command({ Bucket }));
  return (page.Contents ?? []).map((object) => ({ Key: object.Key ?? "" }));
}

async function deleteEntries(client: S3Client, Bucket: string, entries: Entry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    const batch = entries.slice(i, i + 1000);
    try {
      const out = await client.send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      if ((out.Errors ?? []).length === 0) continue;
    } catch {
      // A key XML cannot carry fails the whole batch (and some stores lack DeleteObjects).
    }
    for (const entry of batch) await client.send(new DeleteObjectCommand({ Bucket, ...entry }));
  }
}

/**
 * Deletes every object (and version) of a bucket, listing again from the start each round.
 * A page listed twice alike deleted nothing (a store that lists a key it cannot be asked to
 * delete, such as one holding U+0001 that SeaweedFS lists as U+FFFD): that is an error.
 */
async function emptyBucket(client: S3Client, Bucket: string): Promise<void> {
  let plain = false;
  let previous = "";
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let entries: Entry[];
    try {
      entries = await firstPage(client, Bucket, plain);
    } catch (error) {
      if (plain || !cannotList(error)) throw error;
      plain = true;
      continue;
    }
    if (entries.length === 0) return;
    const listed = JSON.stringify(entries);
    if (listed === previous) {
      throw new Error(`bucket ${Bucket}: deleting did not remove ${listed.slice(0, 300)}`);
    }
    previous = listed;
    await deleteEntries(client, Bucket, entries);
  }
  throw new Error(`bucket ${Bucket} still had objects after ${MAX_ROUNDS} rounds of deletes`);
}

/** Aborts every incomplete upload, where the store can list them. */
async function abortUploads(client: S3Client, Bucket: string): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let uploads: Array<{ Key?: string; UploadId?: string }>;
    try {
      uploads = (await client.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? [];
    } catch (error) {
      if (cannotList(error)) return;
      throw error;
    }
    if (uploads.length === 0) return;
    for (const { Key, UploadId } of uploads) {
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    }
  }
}

/**
 * Removes a bucket with every version, delete marker and incomplete upload, using the raw
 * SDK. On a store that cannot list versions or uploads it deletes what a plain listing shows.
 */
export async function removeBucket(client: S3Client, Bucket: string): Promise<void> {
  await emptyBucket(client, Bucket);
  await abortUploads(client, Bucket);
  await client.send(new DeleteBucketCommand({ Bucket }));
}
