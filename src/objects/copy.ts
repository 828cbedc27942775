import { HeadObjectCommand, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { destinationKey } from "../transfers/copy-parts.js";
import { copyDirect } from "./copy-direct.js";
import { copyMultipart } from "./copy-multipart.js";
import { type CopyOptions, MAX_COPY_OBJECT, resolveCopyOptions } from "./copy-options.js";
import { type CopyKeys, type CopyObjectResult, type CopyPlan, copyPlan } from "./copy-plan.js";
import { headSource } from "./head-source.js";

/** Whether S3 refused a CopyObject because the source is above its 5 GiB limit. */
function isTooLargeForCopyObject(error: unknown): boolean {
  const e = error as S3Error;
  if (e?.code === "EntityTooLarge") return true;
  const text = `${e?.message ?? ""} ${(e?.cause as Error | undefined)?.message ?? ""}`;
  return e?.code === "InvalidRequest" && /larger than the maximum allowable size/i.test(text);
}

/**
 * With `ifNoneMatch`, refuses an existing destination before copying. CopyObject carries
 * If-None-Match too (atomic on AWS), but some stores (MinIO) ignore it there, and a
 * multipart copy would otherwise copy every part before its completion is refused.
 */
async function refuseExisting(scope: ScopeRef, plan: CopyPlan): Promise<void> {
  const target: Target = { operation: "HeadObject", bucket: plan.destBucket, key: plan.destKey };
  try {
    await send(
      scope.context,
      target,
      new HeadObjectCommand({
        Bucket: plan.destBucket,
        Key: plan.destKey,
        ...destinationKey(plan.placement),
      }),
      { signal: plan.signal },
    );
  } catch (error) {
    // Missing (or a missing bucket, which the copy itself will report): go ahead.
    if (error instanceof ObjectNotFoundError) return;
    // Found, but encrypted otherwise than the copy's key says: it exists all the same.
    if (!isS3Error(error) || !error.code.startsWith("SseCustomerKey")) throw error;
  }
  throw new PreconditionFailedError(
    `${plan.operation}: s3://${plan.destBucket}/${plan.destKey} exists and ifNoneMatch is "*"`,
    { ...target, operation: plan.operation, code: "PreconditionFailed", status: 412 },
  );
}

/**
 * @internal Runs a planned copy (see `copy`). With the source's HeadObject already in hand,
 * the copy is pinned to that very version.
 */
export async function runCopy(
  scope: ScopeRef,
  plan: CopyPlan,
  knownSource?: HeadObjectCommandOutput,
): Promise<CopyObjectResult> {
  if (plan.ifNoneMatch) await refuseExisting(scope, plan);
  // The common case costs one request: CopyObject keeps every header and tag by itself. A
  // version is read first: CopySourceIfMatch on its ETag keeps a store that ignores
  // `?versionId=` in CopySource from copying another version.
  const plain = plan.replacement === undefined && plan.sourceVersionId === undefined;
  if (!knownSource && plain && plan.threshold === MAX_COPY_OBJECT) {
    try {
      return await copyDirect(scope, plan, undefined);
    } catch (error) {
      if (!isTooLargeForCopyObject(error)) throw error;
    }
  }
  const head = knownSource ?? (await headSource(scope, plan));
  const size = head.ContentLength ?? 0;
  if (size <= plan.threshold || size === 0) return copyDirect(scope, plan, head);
  return copyMultipart(scope, plan, head);
}

/**
 * See Scope.copy. `keys` are full keys (the façade resolved them with `copyKeys`: `dest`
 * relative to the scope's path, in `destBucket` when given). Up to `copyThreshold` (5 GiB) one
 * CopyObject, which keeps content-type, metadata, content headers and tags by itself (and,
 * with the default threshold and no replacement, no HeadObject is sent); above it, or when
 * S3 says the source is too large, a multipart UploadPartCopy pinned to the source's ETag
 * that sets the source's headers, metadata and tags on the new upload. The scope's
 * storageClass and encryption defaults apply to the destination.
 * @throws ValidationError for bad options, before any request; ObjectNotFoundError when the
 * source is missing (naming the source); PreconditionFailedError when `ifNoneMatch` finds
 * `dest` or the source changed during the copy; BucketNotFoundError, AccessDeniedError,
 * S3OperationError.
 */
export async function copy(
  scope: ScopeRef,
  keys: CopyKeys,
  options: CopyOptions = {},
): Promise<CopyObjectResult> {
  return runCopy(scope, copyPlan(scope, resolveCopyOptions(scope, options, "copy"), keys));
}
