import { failure, type Target, throwIfAborted } from "../client/context.js";
import { forEachLimited } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { deleteBatch } from "./delete-batch.js";
import type { DeleteSettings } from "./delete-many-options.js";
import type { Outcome } from "./outcome.js";

/** S3's limit of keys per DeleteObjects request. */
const BATCH_SIZE = 1000;

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

/**
 * @internal Runs the batches of full keys through the pool, `settings.concurrency` at a time,
 * recording every key in `outcome`.
 * @throws as `deleteMany` does: an abort, or the key source's own error.
 */
export async function deleteKeys(
  scope: ScopeRef,
  operation: string,
  keys: Iterable<string> | AsyncIterable<string>,
  outcome: Outcome,
  settings: DeleteSettings,
): Promise<void> {
  const { concurrency, signal } = settings;
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
