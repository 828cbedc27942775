import { performance } from "node:perf_hooks";

/** The value at fraction `q` (0 … 1) of a sorted, non-empty list, interpolated linearly. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return low + (high - low) * (position - below);
}

/**
 * The median of a non-empty list (the mean of the two middle values for an even count).
 * @throws Error for an empty list.
 */
export function median(values: readonly number[]): number {
  return spread(values).median;
}

/** Where a list of measurements lies: its median, extremes and quartiles. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** First and third quartile (linear interpolation; equal to min/max for ≤ 2 values). */
  q1: number;
  q3: number;
}

/**
 * The median, extremes and quartiles of a non-empty list.
 * @throws Error for an empty list.
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
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
