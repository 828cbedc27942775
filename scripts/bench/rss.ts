import { setTimeout as sleep } from "node:timers/promises";

/** The peak RSS of this process from a settled baseline on. */
export interface RssTracker {
  /** RSS in bytes when tracking began. */
  baseline: number;
  /** Takes one sample now (besides the timer's, every 5 ms). */
  sample(): void;
  /** Stops the timer, takes a last sample and returns the highest RSS seen, in bytes. */
  stop(): number;
}

/**
 * Lets the heap settle (a few garbage collections when node runs with --expose-gc), then
 * starts tracking RSS, so the baseline holds everything but what comes next.
 */
export async function trackRss(): Promise<RssTracker> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 5);
  return {
    baseline,
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
