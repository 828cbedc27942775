import { performance } from "node:perf_hooks";

/**
 * The median of a non-empty list (the mean of the two middle values for an even count).
 * @throws Error for an empty list.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** What one measured run took. */
export interface Timing {
  /** Wall-clock milliseconds (monotonic clock). */
  ms: number;
  /**
   * CPU milliseconds (user + system) this process spent meanwhile: the client's own cost,
   * steadier than wall time on a busy machine, though blind to the server's work.
   */
  cpuMs: number;
}

/** Times `work` on the wall clock and in CPU. Rethrows whatever `work` throws. */
export async function timed(work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}
