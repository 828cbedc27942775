import { DeleteObjectsCommand } from "@aws-sdk/client-s3";
import pRetry from "p-retry";
import { abortError } from "../client/abort-error.js";
import { failure, send } from "../client/context.js";
import { RetryBudget } from "../client/retry-budget.js";
import { pRetryOptions } from "../client/retry-policy.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { tryDecodeKey } from "../listing/decode-key.js";
import { deleteAlone, XML_INVALID } from "./delete-alone.js";
import { failureOf, type Outcome } from "./outcome.js";

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
  const response = await send(
    scope.context,
    { operation: "DeleteObjects", bucket: scope.bucketName },
    new DeleteObjectsCommand({
      Bucket: scope.bucketName,
      Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
    }),
    { signal, budget },
  );
  const errors = keyErrors(response.Errors ?? [], new Set(keys));
  const retry: KeyError[] = [];
  for (const key of keys) {
    const error = errors.get(key);
    errors.delete(key);
    if (error === undefined) outcome.deleted.push(key);
    else if (RETRYABLE_KEY_CODES.has(error.code)) retry.push(error);
    else outcome.failed.push(failureOf(scope, key, error));
  }
  // An error naming no key we sent, in any spelling: report it, never hide it.
  for (const error of errors.values()) outcome.failed.push(failureOf(scope, error.key, error));
  if (retry.length > 0) throw new RetryKeys(retry);
}

/**
 * Deletes one batch: retries the keys that failed transiently (within the retry policy) and
 * records every key of the batch as deleted or failed. Never throws. Every key still pending
 * was in every request of the batch, so one budget of maxRetries + 1 attempts, spent by the
 * SDK's retries and ours alike, bounds the attempts of each key.
 */
export async function deleteBatch(
  scope: ScopeRef,
  keys: string[],
  outcome: Outcome,
  signal: AbortSignal | undefined,
): Promise<void> {
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
      for (const keyError of error.errors) {
        outcome.failed.push(failureOf(scope, keyError.key, keyError));
      }
      return;
    }
    // The request failed after the SDK's own retries (or was aborted): the whole batch failed.
    const cause = signal?.aborted ? abortError(signal) : error;
    const s3Error = failure(scope.context, cause, {
      operation: "DeleteObjects",
      bucket: scope.bucketName,
    });
    for (const key of pending) outcome.failed.push(failureOf(scope, key, s3Error));
  }
}
