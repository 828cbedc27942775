import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import { headerValue } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";

/** Options of `delete()`. */
export interface DeleteOptions {
  /**
   * Delete this version (or delete marker) for good, instead of adding a delete marker in a
   * versioned bucket.
   */
  versionId?: string;
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/** See Scope.delete. */
export async function deleteObject(
  scope: ScopeRef,
  Key: string,
  options: DeleteOptions = {},
): Promise<void> {
  const VersionId = headerValue(options.versionId, "versionId", "delete");
  await send(
    scope.context,
    { operation: "DeleteObject", bucket: scope.bucketName, key: Key },
    new DeleteObjectCommand({ Bucket: scope.bucketName, Key, VersionId }),
    { signal: options.signal },
  );
}
