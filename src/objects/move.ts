import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { AttemptLog } from "../client/attempt-log.js";
import { request } from "../client/context.js";
import { log } from "../client/logger.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { headRaw } from "../transfers/head-object.js";
import { runCopy } from "./copy.js";
import { type CopyOptions, resolveCopyOptions } from "./copy-options.js";
import { type CopyKeys, type CopyObjectResult, type CopyPlan, copyPlan } from "./copy-plan.js";
import { headSource } from "./head-source.js";

/**
 * See Scope.move: HeadObject of the source, a copy pinned to that version (CopySourceIfMatch),
 * then a plain DeleteObject of the key with If-Match on the copied ETag. In an unversioned
 * bucket that deletes the object only if it is still the one copied (where the store honours
 * conditional deletes; MinIO does not). In a versioned bucket it leaves a delete marker: no
 * version is ever deleted permanently, so the source stays recoverable (move is undoable) and
 * Object Lock is respected; a version written meanwhile is at worst hidden by the marker where
 * the store ignores If-Match, never lost. When the copy fails nothing is deleted; when the
 * delete fails its error is thrown and both objects exist, except after a lost answer: a
 * retried delete that finds the source gone (404, or 412 over a delete marker) is checked
 * with a HeadObject, and a source that is gone means the move is done (see deleteSource).
 * `keys` are full keys, as for `copy`.
 * @throws like `copy`; ValidationError when src and dest name the same object;
 * PreconditionFailedError when the source changed before it was copied or deleted.
 */
export async function move(
  scope: ScopeRef,
  keys: CopyKeys,
  options: CopyOptions = {},
): Promise<CopyObjectResult> {
  const plan = copyPlan(scope, resolveCopyOptions(scope, options, "move"), keys);
  if (plan.destBucket === scope.bucketName && plan.destKey === plan.srcKey) {
    throw new ValidationError(`move: source and destination are the same object (${plan.srcKey})`, {
      operation: "move",
      bucket: scope.bucketName,
      key: plan.srcKey,
    });
  }
  const source = await headSource(scope, plan);
  const result = await runCopy(scope, plan, source);
  await deleteSource(scope, plan, source.ETag);
  return result;
}

/**
 * The delete of a move: DeleteObject of the source key with If-Match on the copied ETag. When
 * an attempt of it may have been carried out unseen (see AttemptLog) and the retry found the
 * key gone (404) or no longer that object (412: a delete marker, in a versioned bucket), a
 * HeadObject decides: a source that is gone means the move is complete.
 */
async function deleteSource(
  scope: ScopeRef,
  plan: CopyPlan,
  IfMatch: string | undefined,
): Promise<void> {
  const Bucket = scope.bucketName;
  const Key = plan.srcKey;
  const attempts = new AttemptLog(plan.signal);
  try {
    await request(
      scope.context,
      { operation: "DeleteObject", bucket: Bucket, key: Key },
      (client, http) =>
        // Never by VersionId: in a versioned bucket that would destroy the version for good.
        attempts.on(client).send(new DeleteObjectCommand({ Bucket, Key, IfMatch }), http),
      { signal: plan.signal },
    );
  } catch (error) {
    const refused =
      error instanceof ObjectNotFoundError || error instanceof PreconditionFailedError;
    if (!refused || !attempts.mayHaveLanded || (await sourceRemains(scope, plan))) throw error;
    log(
      scope.context.logger,
      "warn",
      "s3kit move: its delete's answer was lost, the source is gone",
      {
        bucket: Bucket,
        key: Key,
        error: error.message,
      },
    );
  }
}

/**
 * Whether the source may still be there: false only for a HEAD 404 (a missing key, or a
 * delete marker in a versioned bucket); any other failure cannot tell, so counts as there.
 */
function sourceRemains(scope: ScopeRef, plan: CopyPlan): Promise<boolean> {
  const { signal, sourceCustomerKey: customerKey } = plan;
  return headRaw(scope, plan.srcKey, { signal, customerKey }).then(
    () => true,
    (error: unknown) => !(error instanceof ObjectNotFoundError),
  );
}
