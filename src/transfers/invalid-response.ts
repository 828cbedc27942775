import type { Target } from "../client/context.js";
import { S3OperationError } from "../errors/s3-operation-error.js";

/**
 * A success answer that is no usable S3 answer (no UploadId, no ETag): an empty body, or a
 * proxy's page standing in for the store's answer.
 */
export function invalidResponse(target: Target & { bucket: string; key: string }, lack: string) {
  return new S3OperationError(
    `${target.operation} s3://${target.bucket}/${target.key}: the answer had no ${lack}; it is not an S3 answer (a proxy's page, or an empty body?)`,
    {
      code: "InvalidResponse",
      operation: target.operation,
      bucket: target.bucket,
      key: target.key,
    },
  );
}
