import { GetBucketVersioningCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import { booleanOption } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";

/** Options of `setVersioning` and `versioning`. */
export interface VersioningOptions {
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/**
 * A bucket's versioning state: "off" for a bucket where it was never enabled; once enabled it
 * can only be "suspended" (new writes then replace the "null" version), never "off" again.
 */
export type VersioningState = "enabled" | "suspended" | "off";

/** Turns versioning on (Enabled) or suspends it (Suspended). See Bucket.setVersioning. */
export async function setVersioning(
  scope: ScopeRef,
  enabled: boolean,
  options: VersioningOptions = {},
): Promise<void> {
  const operation = "setVersioning";
  if (enabled === undefined) {
    throw new ValidationError(`${operation}: say true (enable) or false (suspend)`, { operation });
  }
  booleanOption(enabled, "enabled", operation);
  const command = new PutBucketVersioningCommand({
    Bucket: scope.bucketName,
    VersioningConfiguration: { Status: enabled ? "Enabled" : "Suspended" },
  });
  const target = { operation: "PutBucketVersioning", bucket: scope.bucketName };
  await send(scope.context, target, command, { signal: options.signal });
}

/** The bucket's versioning state. See Bucket.versioning. */
export async function versioning(
  scope: ScopeRef,
  options: VersioningOptions = {},
): Promise<VersioningState> {
  const target = { operation: "GetBucketVersioning", bucket: scope.bucketName };
  const command = new GetBucketVersioningCommand({ Bucket: scope.bucketName });
  const response = await send(scope.context, target, command, { signal: options.signal });
  if (response.Status === "Enabled") return "enabled";
  return response.Status === "Suspended" ? "suspended" : "off";
}
