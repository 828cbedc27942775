import { isIterable } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { describe, fullKey } from "../prefix/keys.js";
import { deleteKeys } from "./delete-keys.js";
import { type DeleteManyOptions, resolveDeleteManyOptions } from "./delete-many-options.js";
import { newOutcome, resultOf } from "./outcome.js";
import type { DeleteFailure, DeleteResult } from "./results.js";

/**
 * The full keys of an array or set, validated whole before any request, each once.
 * @throws ValidationError for the first invalid key.
 */
function uniqueKeys(scope: ScopeRef, keys: Iterable<unknown>, operation: string): Set<string> {
  const unique = new Set<string>();
  for (const key of keys) unique.add(fullKey(scope.path, key, operation, scope.bucketName));
  return unique;
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
  const whole = Array.isArray(keys) || keys instanceof Set;
  const unique = whole ? uniqueKeys(scope, keys as Iterable<unknown>, operation) : undefined;
  const settings = resolveDeleteManyOptions(options, operation);
  const outcome = newOutcome();
  const source = unique ?? checkedKeys(scope, keys, outcome.failed);
  await deleteKeys(scope, operation, source, outcome, settings);
  return resultOf(outcome);
}
