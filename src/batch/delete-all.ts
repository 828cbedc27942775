import type { ScopeRef } from "../common/scope-ref.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { iterList } from "../listing/iter-list.js";
import { listKeyPages } from "../listing/list-key-pages.js";
import { deleteKeys } from "./delete-keys.js";
import {
  type DeleteManyOptions,
  type DeleteSettings,
  resolveDeleteManyOptions,
} from "./delete-many-options.js";
import { newOutcome, type Outcome, resultOf } from "./outcome.js";
import type { DeleteResult } from "./results.js";

/** Whether a listing ended because it did not move on. */
function isStall(error: unknown): error is S3Error {
  return isS3Error(error) && error.code === "PaginationStalled";
}

/**
 * A listing's stall, saying what deleteAll did before it: what is left under the scope is
 * unknown, so no result can be given.
 */
function stalledAfter(stall: S3Error, outcome: Outcome): S3OperationError {
  const done = `deleteAll deleted ${outcome.deleted.length} keys and failed to delete ${outcome.failed.length} before the listing stalled; other keys may be left, neither deleted nor reported`;
  return new S3OperationError(`${stall.message} (${done})`, {
    code: stall.code,
    status: stall.status,
    bucket: stall.bucket,
    key: stall.key,
    operation: stall.operation,
    requestId: stall.requestId,
    retryable: false,
    cause: stall,
  });
}

/**
 * Deletes the scope's keys again from a fresh listing, asking for each page only once the
 * keys of the page before are deleted. For a store that ignores the listing's position:
 * there only deleting moves the listing on. Keys that failed (before or during this pass)
 * are passed over, so a key that cannot be deleted, listed first on every page, neither
 * stops the pass nor is sent again. Returns once the listing has ended.
 * @throws S3OperationError "PaginationStalled" (see `stalledAfter`) when the listing still
 * stalls: with a page or more of keys that cannot be deleted ahead of the others, or when the
 * store keeps listing keys it said it deleted.
 */
async function deleteInStep(
  scope: ScopeRef,
  outcome: Outcome,
  settings: DeleteSettings,
): Promise<void> {
  const failed = new Set<string>();
  let learnt = 0;
  const learn = () => {
    for (const entry of outcome.failed.slice(learnt)) failed.add(entry.key);
    learnt = outcome.failed.length;
  };
  learn();
  try {
    for await (const page of listKeyPages(scope, settings.signal, failed)) {
      await deleteKeys(scope, "deleteAll", page, outcome, settings);
      learn();
    }
  } catch (error) {
    throw isStall(error) ? stalledAfter(error, outcome) : error;
  }
}

/**
 * See Scope.deleteAll. The scope's listing streams straight into the DeleteObjects batches,
 * so memory stays constant however many objects there are (listed keys are unique already),
 * and the next page is listed while earlier batches are being deleted. A store that ignores
 * the listing's position lists the same first keys again until their deletes land: when the
 * listing stalls after some keys were deleted, the rest are deleted in step (`deleteInStep`,
 * which passes over keys that cannot be deleted and reports them in `failed`); when nothing
 * could be deleted the stall stands, so a listing that never moves always ends. The result
 * is given only once a listing has ended: it then accounts for every key.
 * In a versioned bucket this adds delete markers; older versions stay.
 * @throws like `deleteMany`; the listing's error (BucketNotFoundError, AccessDeniedError,
 * S3OperationError "PaginationStalled", its message saying how many keys were deleted and
 * failed before it…) after the batches already taken have settled.
 */
export async function deleteAll(
  scope: ScopeRef,
  options: DeleteManyOptions = {},
): Promise<DeleteResult> {
  const settings = resolveDeleteManyOptions(options, "deleteAll");
  async function* listedKeys(): AsyncGenerator<string> {
    for await (const object of iterList(scope, { signal: settings.signal })) yield object.key;
  }
  const outcome = newOutcome();
  try {
    await deleteKeys(scope, "deleteAll", listedKeys(), outcome, settings);
  } catch (error) {
    if (!isStall(error)) throw error;
    if (outcome.deleted.length === 0) throw stalledAfter(error, outcome);
    await deleteInStep(scope, outcome, settings);
  }
  return resultOf(outcome);
}
