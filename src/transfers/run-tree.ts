import { failure, type Target, throwIfAborted } from "../client/context.js";
import { forEachLimited } from "../common/pool.js";
import type { ScopeRef } from "../common/scope-ref.js";
import type { DirTransferResult } from "./dir-transfer-result.js";
import { TreeProgress } from "./tree-progress.js";
import type { TreeSettings } from "./tree-settings.js";

/** An uploadDir or downloadDir under way: its settings, its result so far and its progress. */
export interface TreeRun<S extends TreeSettings = TreeSettings> {
  scope: ScopeRef;
  settings: S;
  /** The operation and bucket, for failures. */
  where: Target;
  result: DirTransferResult;
  progress: TreeProgress;
}

/** A tree transfer about to start: nothing transferred, nothing failed. */
export function startTree<S extends TreeSettings>(
  scope: ScopeRef,
  settings: S,
  operation: string,
): TreeRun<S> {
  return {
    scope,
    settings,
    where: { operation, bucket: scope.bucketName },
    result: { transferred: [], failed: [], ok: true, bytes: 0, skipped: 0 },
    progress: new TreeProgress(settings.onProgress),
  };
}

/**
 * Runs `task` for every item of `source` through the tree's one pool, then returns the result.
 * Each task records its own file as transferred or failed. A failure of the source itself
 * (the walk, the listing or the filter) ends it; the files already handed out still finish
 * before it is thrown. An abort is thrown too.
 */
export async function runTree<S extends TreeSettings, T>(
  run: TreeRun<S>,
  source: AsyncIterable<T>,
  task: (item: T) => Promise<void>,
): Promise<DirTransferResult> {
  const { scope, settings, where, result } = run;
  let sourceError: unknown;
  async function* items(): AsyncGenerator<T> {
    try {
      yield* source;
    } catch (error) {
      sourceError = error;
    }
  }
  await forEachLimited(items(), settings.concurrency, task, settings.signal);
  throwIfAborted(scope.context, settings.signal, where);
  if (sourceError !== undefined) throw failure(scope.context, sourceError, where);
  run.progress.finish();
  result.ok = result.failed.length === 0;
  result.bytes = result.transferred.reduce((sum, file) => sum + file.size, 0);
  return result;
}
