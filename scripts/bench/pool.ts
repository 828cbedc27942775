/**
 * Runs `task(0)` … `task(count - 1)` with at most `concurrency` in flight, each worker taking
 * the next index as soon as its previous task ends (no batches, so the pipe stays full).
 * Shared with the Bun child, so it imports nothing Node-specific.
 * @throws the first error a task throws (the other workers stop taking new indices).
 */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
