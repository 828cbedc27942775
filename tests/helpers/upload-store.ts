import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3ClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { AwsStub } from "aws-sdk-client-mock";
import { s3Error } from "./s3-error.js";

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/**
 * A store played by the mock: multipart uploads with their parts (aborted ones gone, ListParts
 * answering NoSuchUpload then), completed and single-PUT objects; `onPart` may hold or fail a
 * part. Counts the UploadParts in flight at once.
 */
export function mockUploadStore(
  mock: AwsStub<ServiceInputTypes, ServiceOutputTypes, S3ClientResolvedConfig>,
  onPart?: (partNumber: number) => Promise<void>,
) {
  const uploads = new Map<string, Map<number, Uint8Array>>();
  const objects = new Map<string, Uint8Array>();
  const flight = { now: 0, max: 0 };
  let ids = 0;
  mock.on(CreateMultipartUploadCommand).callsFake(async () => {
    const UploadId = `up-${++ids}`;
    uploads.set(UploadId, new Map());
    return { UploadId };
  });
  mock.on(UploadPartCommand).callsFake(async (input) => {
    flight.max = Math.max(flight.max, ++flight.now);
    try {
      await onPart?.(input.PartNumber);
      const parts = uploads.get(input.UploadId);
      if (!parts) throw s3Error("NoSuchUpload", 404);
      parts.set(input.PartNumber, input.Body);
      return { ETag: `"p${input.PartNumber}"` };
    } finally {
      flight.now--;
    }
  });
  mock.on(CompleteMultipartUploadCommand).callsFake(async (input) => {
    const parts = uploads.get(input.UploadId);
    if (!parts) throw s3Error("NoSuchUpload", 404);
    const listed = input.MultipartUpload.Parts as Array<{ PartNumber: number }>;
    objects.set(input.Key, concat(listed.map(({ PartNumber }) => parts.get(PartNumber)!)));
    uploads.delete(input.UploadId);
    return { ETag: `"done-${listed.length}"` };
  });
  mock.on(PutObjectCommand).callsFake(async (input) => {
    objects.set(input.Key, input.Body);
    return { ETag: '"single"' };
  });
  mock.on(AbortMultipartUploadCommand).callsFake(async (input) => {
    uploads.delete(input.UploadId);
    return {};
  });
  mock.on(ListPartsCommand).callsFake(async (input) => {
    if (!uploads.has(input.UploadId)) throw s3Error("NoSuchUpload", 404);
    return { Parts: [] };
  });
  return { uploads, objects, flight };
}
