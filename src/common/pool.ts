import pLimit from "p-limit";

/**
 * Runs `task` for every item of `items` with at most `concurrency` running at once, pulling
 * items only as slots free up, so a huge (async) iterable is never read ahead into memory.
 * Resolves when every started task has settled. A task that throws rejects the whole run
 * after the tasks already started have settled; tasks that must not stop the run catch
 * their own errors. Stops pulling new items once `signal` aborts.
 */
export async function forEachLimited<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const limit = pLimit(concurrency);
  const running = new Set<Promise<void>>();
  let failed = false;
  let firstError: unknown;
  let index = 0;
  try {
    for await (const item of items) {
      if (failed || signal?.aborted) break;
      const position = index++;
      const run = limit(() => task(item, position)).then(
        () => {
          running.delete(run);
        },
        (error: unknown) => {
          running.delete(run);
          if (!failed) {
            failed = true;
            firstError = error;
          }
        },
      );
      running.add(run);
      if (running.size >= concurrency) await Promise.race(running);
    }
  } finally {
    // Whatever ends the loop (the input throwing included), started tasks finish first.
    await Promise.allSettled(running);
  }
  if (failed) throw firstError;
}

/** True for a non-string object that can be iterated, synchronously or not. */
export function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}
