import { DeleteObjectCommand, DeleteObjectsCommand } from "@aws-sdk/client-s3";
import pRetry from "p-retry";
import { abortError, failure, request, type Target, throwIfAborted } from "../client/context.js";
import { RetryBudget } from "../client/retry-budget.js";
import { pRetryOptions } from "../client/retry-policy.js";
import { concurrencyOf } from "../common/checks.js";
import { forEachLimited, isIterable } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { isS3Error, type S3Error } from "../errors/s3-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { tryDecodeKey } from "../listing/decode-key.js";
import { iterList } from "../listing/iter-list.js";
import { listKeyPages } from "../listing/list-key-pages.js";
import { describe, fullKey, relativeName } from "../prefix/keys.js";
import type { DeleteFailure, DeleteResult } from "./results.js";

/** Options of `deleteMany` and `deleteAll`. */
export interface DeleteManyOptions {
  /** DeleteObjects requests (of up to 1000 keys each) in flight at once. Default 4. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** S3's limit of keys per DeleteObjects request. */
const BATCH_SIZE = 1000;

/**
 * Per-key codes inside a successful DeleteObjects reply that a later attempt may cure. The
 * request itself succeeded, so the SDK never retried these keys: this is ours to do.
 */
const RETRYABLE_KEY_CODES = new Set(["InternalError", "SlowDown", "ServiceUnavailable"]);

interface KeyError {
  key: string;
  code: string;
  message: string;
}

/** Thrown inside a batch's retry loop to send the keys that failed transiently once more. */
class RetryKeys extends Error {
  readonly errors: KeyError[];

  constructor(errors: KeyError[]) {
    super(`${errors.length} keys failed transiently`);
    this.errors = errors;
  }
}

/** @internal Where deletions are recorded. */
export interface Outcome {
  deleted: string[];
  failed: DeleteFailure[];
}

function failureOf(scope: ScopeRef, error: KeyError): DeleteFailure {
  return {
    key: error.key,
    name: relativeName(scope.path, error.key),
    code: error.code,
    message: error.message,
  };
}

/**
 * Per-key codes that mean the key (or version) is not there: deleting it is a success, even
 * on stores that report it.
 */
const GONE_CODES = new Set(["NoSuchKey", "NoSuchVersion"]);

/** @internal Whether a per-key DeleteObjects error only says the key or version is gone. */
export function isGone(code: string | undefined): boolean {
  return code !== undefined && GONE_CODES.has(code);
}

/**
 * The per-key errors of a DeleteObjects reply, by the key sent. A key reported under another
 * spelling of a sent key (a store URL-encoding it: "a%20b" for "a b") is matched to that key,
 * so it is never counted as deleted; an error naming no key sent stays under its own name.
 */
function keyErrors(
  reported: Array<{ Key?: string; Code?: string; Message?: string }>,
  sent: Set<string>,
): Map<string, KeyError> {
  const errors = new Map<string, KeyError>();
  for (const error of reported) {
    if (error.Key === undefined || isGone(error.Code)) continue;
    const decoded = sent.has(error.Key) ? error.Key : tryDecodeKey(error.Key);
    const key = decoded !== undefined && sent.has(decoded) ? decoded : error.Key;
    // The key's own report wins over one in another spelling.
    if (key !== error.Key && errors.has(key)) continue;
    const code = error.Code ?? "UnknownError";
    errors.set(key, { key, code, message: error.Message || code });
  }
  return errors;
}

/** Sends one DeleteObjects request and sorts its keys into deleted, failed and to-retry. */
async function sendBatch(
  scope: ScopeRef,
  keys: string[],
  outcome: Outcome,
  signal: AbortSignal | undefined,
  budget: RetryBudget,
) {
  const response = await request(
    scope.context,
    { operation: "DeleteObjects", bucket: scope.bucketName },
    (client, http) =>
      client.send(
        new DeleteObjectsCommand({
          Bucket: scope.bucketName,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
        http,
      ),
    signal,
    budget,
  );
  const errors = keyErrors(response.Errors ?? [], new Set(keys));
  const retry: KeyError[] = [];
  for (const key of keys) {
    const error = errors.get(key);
    errors.delete(key);
    if (error === undefined) outcome.deleted.push(key);
    else if (RETRYABLE_KEY_CODES.has(error.code)) retry.push(error);
    else outcome.failed.push(failureOf(scope, error));
  }
  // An error naming no key we sent, in any spelling: report it, never hide it.
  for (const error of errors.values()) outcome.failed.push(failureOf(scope, error));
  if (retry.length > 0) throw new RetryKeys(retry);
}

/**
 * Characters XML 1.0 cannot carry, not even escaped. S3 stores keys with them, but one such
 * key in a DeleteObjects body makes the whole request MalformedXML.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what it matches
export const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** DeleteObject for a key that cannot travel in a DeleteObjects body; records the outcome. */
export async function deleteAlone(
  scope: ScopeRef,
  key: string,
  outcome: Outcome,
  signal: AbortSignal | undefined,
  versionId?: string,
): Promise<void> {
  try {
    await request(
      scope.context,
      { operation: "DeleteObject", bucket: scope.bucketName, key },
      (client, http) =>
        client.send(
          new DeleteObjectCommand({ Bucket: scope.bucketName, Key: key, VersionId: versionId }),
          http,
        ),
      signal,
    );
    outcome.deleted.push(key);
  } catch (error) {
    const s3Error = failure(scope.context, error, {
      operation: "DeleteObject",
      bucket: scope.bucketName,
      key,
    });
    outcome.failed.push({
      key,
      name: relativeName(scope.path, key),
      code: s3Error.code,
      message: s3Error.message,
    });
  }
}

/**
 * Deletes one batch: retries the keys that failed transiently (within the retry policy) and
 * records every key of the batch as deleted or failed. Never throws. Every key still pending
 * was in every request of the batch, so one budget of maxRetries + 1 attempts, spent by the
 * SDK's retries and ours alike, bounds the attempts of each key.
 */
async function deleteBatch(
  scope: ScopeRef,
  keys: string[],
  outcome: Outcome,
  signal: AbortSignal | undefined,
) {
  const unsafe = keys.filter((key) => XML_INVALID.test(key));
  for (const key of unsafe) await deleteAlone(scope, key, outcome, signal);
  let pending = unsafe.length === 0 ? keys : keys.filter((key) => !XML_INVALID.test(key));
  if (pending.length === 0) return;
  const budget = RetryBudget.of(scope.context.policy);
  const options = pRetryOptions(scope.context.policy, {
    signal,
    budget,
    retryIf: (error) => error instanceof RetryKeys,
    onRetry: (error) => {
      pending = (error as RetryKeys).errors.map((keyError) => keyError.key);
    },
  });
  try {
    await pRetry(() => sendBatch(scope, pending, outcome, signal, budget), options);
  } catch (error) {
    if (error instanceof RetryKeys) {
      for (const keyError of error.errors) outcome.failed.push(failureOf(scope, keyError));
      return;
    }
    // The request failed after the SDK's own retries (or was aborted): the whole batch failed.
    const cause = signal?.aborted ? abortError(signal) : error;
    const s3Error = failure(scope.context, cause, {
      operation: "DeleteObjects",
      bucket: scope.bucketName,
    });
    for (const key of pending) {
      outcome.failed.push({
        key,
        name: relativeName(scope.path, key),
        code: s3Error.code,
        message: s3Error.message,
      });
    }
  }
}

/**
 * Groups keys into batches of 1000, pulling from the source only as batches are taken. An
 * error of the source ends the batches and is kept in `state` (the batches already taken
 * still run to completion), so that nothing already sent is forgotten.
 */
async function* batchesOf(
  keys: Iterable<string> | AsyncIterable<string>,
  state: { sourceError?: unknown },
): AsyncGenerator<string[]> {
  let batch: string[] = [];
  try {
    for await (const key of keys) {
      batch.push(key);
      if (batch.length === BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    state.sourceError = error;
  }
  if (batch.length > 0) yield batch;
}

/** Validates and de-duplicates lazily; invalid keys become failures and are never sent. */
async function* checkedKeys(
  scope: ScopeRef,
  keys: Iterable<unknown> | AsyncIterable<unknown>,
  failed: DeleteFailure[],
): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const key of keys) {
    let Key: string;
    try {
      Key = fullKey(scope.path, key, "deleteMany", scope.bucketName);
    } catch (error) {
      const name = typeof key === "string" ? key : describe(key);
      failed.push({
        key: typeof key === "string" ? scope.path + key : name,
        name,
        code: "ValidationError",
        message: (error as Error).message,
      });
      continue;
    }
    if (seen.has(Key)) continue;
    seen.add(Key);
    yield Key;
  }
}

/**
 * Runs the batches of full keys through the pool, recording every key in `outcome`.
 * @throws as `deleteMany` does: an abort, or the key source's own error.
 */
async function run(
  scope: ScopeRef,
  operation: string,
  keys: Iterable<string> | AsyncIterable<string>,
  outcome: Outcome,
  options: DeleteManyOptions,
): Promise<void> {
  const concurrency = concurrencyOf(options.concurrency, 4, operation);
  const { signal } = options;
  const state: { sourceError?: unknown } = {};
  const target: Target = { operation, bucket: scope.bucketName };
  throwIfAborted(scope.context, signal, target);
  await forEachLimited(
    batchesOf(keys, state),
    concurrency,
    (batch) => deleteBatch(scope, batch, outcome, signal),
    signal,
  );
  throwIfAborted(scope.context, signal, target);
  if (state.sourceError !== undefined) throw failure(scope.context, state.sourceError, target);
}

function resultOf(outcome: Outcome): DeleteResult {
  return { deleted: outcome.deleted, failed: outcome.failed, ok: outcome.failed.length === 0 };
}

/**
 * See Scope.deleteMany. An Array (or Set) is validated whole before any request; keys of any
 * other (async) iterable are validated as they come, and invalid ones are reported in
 * `failed` with code "ValidationError" and never sent. Duplicate keys are deleted once.
 * Batches of 1000 keys go out as DeleteObjects (Quiet) requests, `concurrency` at a time;
 * keys that fail with InternalError, SlowDown or ServiceUnavailable inside a successful
 * reply are sent again within the retry policy, and a batch whose request fails (after the
 * SDK's retries) is recorded in `failed` key by key.
 * @throws ValidationError for an array or set holding an invalid key, a non-iterable input or
 * a bad option, before any request; S3OperationError with code "Aborted" when the signal
 * aborts (keys deleted until then stay deleted); whatever the iterable itself throws (as an
 * S3Error), after the batches already taken have settled.
 */
export async function deleteMany(
  scope: ScopeRef,
  keys: Iterable<string> | AsyncIterable<string>,
  options: DeleteManyOptions = {},
): Promise<DeleteResult> {
  const operation = "deleteMany";
  // A string is iterable too, but deleting its characters one by one is never what was meant.
  if (typeof keys === "string" || !isIterable(keys)) {
    throw new ValidationError(
      `${operation}: keys must be an array or an (async) iterable of strings, got ${describe(keys)}`,
      {
        operation,
        bucket: scope.bucketName,
      },
    );
  }
  if (Array.isArray(keys) || keys instanceof Set) {
    const unique = new Set<string>();
    for (const key of keys as Iterable<unknown>)
      unique.add(fullKey(scope.path, key, operation, scope.bucketName));
    const outcome: Outcome = { deleted: [], failed: [] };
    await run(scope, operation, unique, outcome, options);
    return resultOf(outcome);
  }
  const outcome: Outcome = { deleted: [], failed: [] };
  await run(scope, operation, checkedKeys(scope, keys, outcome.failed), outcome, options);
  return resultOf(outcome);
}

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
  options: DeleteManyOptions,
): Promise<void> {
  const failed = new Set<string>();
  let learnt = 0;
  const learn = () => {
    for (const entry of outcome.failed.slice(learnt)) failed.add(entry.key);
    learnt = outcome.failed.length;
  };
  learn();
  try {
    for await (const page of listKeyPages(scope, options.signal, failed)) {
      await run(scope, "deleteAll", page, outcome, options);
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
  const { signal } = options;
  async function* listedKeys(): AsyncGenerator<string> {
    for await (const object of iterList(scope, { signal })) yield object.key;
  }
  const outcome: Outcome = { deleted: [], failed: [] };
  try {
    await run(scope, "deleteAll", listedKeys(), outcome, options);
  } catch (error) {
    if (!isStall(error)) throw error;
    if (outcome.deleted.length === 0) throw stalledAfter(error, outcome);
    await deleteInStep(scope, outcome, options);
  }
  return resultOf(outcome);
}
