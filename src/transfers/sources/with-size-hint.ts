import type { Target } from "../../client/context.js";
import { S3OperationError } from "../../errors/s3-operation-error.js";
import { ValidationError } from "../../errors/validation-error.js";
import type { OpenedSource } from "./opened-source.js";

/**
 * `opened` with the size the caller gave (UploadOptions.size): a source of unknown size then
 * uploads as one of that size (part size fitted to it, progress with a total), and its parts
 * stop with S3OperationError "SourceSizeChanged" at the first that goes beyond it, before it
 * is sent; a source that ends short fails at the commit, which checks the size (see
 * UploadRequests). A source of known size must have the size given.
 * @throws ValidationError for a known size that is not the one given (the source released).
 */
export async function withSizeHint(
  opened: OpenedSource,
  size: number | undefined,
  target: Target & { bucket: string; key: string },
): Promise<OpenedSource> {
  if (size === undefined) return opened;
  const { operation } = target;
  if (opened.size !== undefined) {
    if (opened.size === size) return opened;
    await opened.release();
    throw new ValidationError(
      `${operation}: size is ${size} bytes, but the source has ${opened.size}`,
      { operation, bucket: target.bucket, key: target.key },
    );
  }
  async function* parts(partSize: number): AsyncGenerator<Uint8Array> {
    let read = 0;
    for await (const part of opened.parts(partSize)) {
      read += part.byteLength;
      if (read > size!) throw longerThan(size!, target);
      yield part;
    }
  }
  return {
    size,
    parts,
    changed: () => opened.changed(),
    release: () => opened.release(),
  };
}

function longerThan(size: number, target: Target & { bucket: string; key: string }) {
  return new S3OperationError(
    `${target.operation} s3://${target.bucket}/${target.key}: the source gave more than the ${size} bytes its size option announced`,
    {
      code: "SourceSizeChanged",
      bucket: target.bucket,
      key: target.key,
      operation: target.operation,
    },
  );
}
