import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { referenceChecksum } from "../helpers/checksums.js";
import { sha256 } from "../helpers/files.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

// Item 8 of issue 13 against MinIO: a scope's partSize, concurrency and checksum reach its
// uploads, and upload's size hint holds a stream to its length.
const t = useTestBucket();
const MiB = 1024 * 1024;

async function openUploads(): Promise<unknown[]> {
  const listed = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket.name }));
  return listed.Uploads ?? [];
}

describe("per-scope transfer defaults", () => {
  it("a prefix's partSize and checksum reach upload(): parts of that size, the checksum kept", async (context) => {
    needs(context, "checksums", "checksumReports", "fullObjectChecksums");
    const scope = t.s3
      .bucket(t.bucket.name, { defaults: { checksum: "crc32c", concurrency: 2 } })
      .prefix("media", { defaults: { partSize: 5 * MiB } });
    const bytes = randomBytes(11 * MiB);
    const counts = countRequests(t.s3);
    await scope.upload(Readable.from([bytes]), "clip.bin", { size: bytes.byteLength });
    expect(counts.get("UploadPart")).toBe(3);
    const info = await scope.head("clip.bin");
    expect(info.etag).toMatch(/-3"$/);
    expect(info.checksums.crc32c).toBe(await referenceChecksum("crc32c", bytes));
    expect(sha256(await scope.getBytes("clip.bin"))).toBe(sha256(bytes));
  });

  it("a stream longer than its size hint fails SourceSizeChanged, nothing stored, no upload left", async () => {
    const bucket = t.s3.bucket(t.bucket.name, { defaults: { partSize: 5 * MiB } });
    const error = await rejection(
      bucket.upload(Readable.from([randomBytes(12 * MiB)]), "long.bin", { size: 6 * MiB }),
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "SourceSizeChanged" });
    expect(await bucket.exists("long.bin")).toBe(false);
    expect(await openUploads()).toEqual([]);
  });
});
