import {
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
} from "@aws-sdk/client-s3";
import { send } from "../client/context.js";
import { type CorsRule, corsRules, corsRulesFrom } from "../common/cors-rules.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { isS3Error } from "../errors/s3-error.js";

/** Options of `setCors`, `getCors` and `deleteCors`. */
export interface CorsOptions {
  /** Cancels the call: it then rejects with S3OperationError, code "Aborted". */
  signal?: AbortSignal;
}

/**
 * Replaces the bucket's CORS rules; no rules removes them (S3 has a request of its own for
 * that, and refuses an empty configuration). See Bucket.setCors.
 */
export async function setCors(
  scope: ScopeRef,
  rules: readonly CorsRule[],
  options: CorsOptions = {},
): Promise<void> {
  const CORSRules = corsRules(rules, "setCors", scope.bucketName);
  if (CORSRules.length === 0) return deleteCors(scope, options);
  const command = new PutBucketCorsCommand({
    Bucket: scope.bucketName,
    CORSConfiguration: { CORSRules },
  });
  const target = { operation: "PutBucketCors", bucket: scope.bucketName };
  await send(scope.context, target, command, { signal: options.signal });
}

/**
 * Whether `error` is S3's answer for a bucket without CORS rules: a 404 that names neither a
 * key nor the bucket (a missing bucket is NoSuchBucket, a BucketNotFoundError).
 */
function hasNoRules(error: unknown): boolean {
  return isS3Error(error) && error.code === "NoSuchCORSConfiguration";
}

/** The bucket's CORS rules, [] when it has none. See Bucket.getCors. */
export async function getCors(scope: ScopeRef, options: CorsOptions = {}): Promise<CorsRule[]> {
  const target = { operation: "GetBucketCors", bucket: scope.bucketName };
  const command = new GetBucketCorsCommand({ Bucket: scope.bucketName });
  try {
    const response = await send(scope.context, target, command, { signal: options.signal });
    return corsRulesFrom(response.CORSRules);
  } catch (error) {
    if (hasNoRules(error)) return [];
    throw error;
  }
}

/** Removes the bucket's CORS rules; none to remove is a success. See Bucket.deleteCors. */
export async function deleteCors(scope: ScopeRef, options: CorsOptions = {}): Promise<void> {
  const target = { operation: "DeleteBucketCors", bucket: scope.bucketName };
  const command = new DeleteBucketCorsCommand({ Bucket: scope.bucketName });
  try {
    await send(scope.context, target, command, { signal: options.signal });
  } catch (error) {
    // S3 answers 204 either way; a store that says there was nothing to delete agrees.
    if (!hasNoRules(error)) throw error;
  }
}
