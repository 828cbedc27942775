import { median } from "./stats.js";

/** How one measured run is asked for. */
export interface RunContext {
  /** 0-based index of the measured run; -1 for the warm-up. */
  index: number;
  /** Also verify the content hash (once per contender), not only the size. */
  deep: boolean;
}

/** The outcome of one measured run. */
export interface Sample {
  /** The case's metric, in its unit. */
  value: number;
  /** CPU ms of this process during the measured part, for cases measured in-process. */
  cpuMs?: number;
}

/** One side of a comparison. */
export interface Contender {
  /** What is being measured, e.g. "bucket.download()". */
  label: string;
  /**
   * Performs one run and returns its metric (ms or MiB, see the case's unit). Preparation and
   * verification happen outside the measured part; a wrong result throws.
   */
  run(context: RunContext): Promise<Sample>;
}

/** The unit a case's metric is in; lower is better for both. */
export type Unit = "ms" | "MiB";

/** One comparison of s3kit against a raw-SDK peer. */
export interface BenchCase {
  title: string;
  unit: Unit;
  /** Whether to run each contender once, unmeasured, before the measured runs. */
  warmUp: boolean;
  s3kit: Contender;
  peer: Contender;
  /** What differs between the two sides beyond speed, for reading the numbers right. */
  note?: string;
}

/** The samples and medians of one case. */
export interface CaseResult {
  title: string;
  unit: Unit;
  note: string | undefined;
  s3kitLabel: string;
  peerLabel: string;
  s3kitSamples: Sample[];
  peerSamples: Sample[];
  s3kitMedian: number;
  peerMedian: number;
  /** s3kit / peer; < 1 means s3kit is better. NaN when the peer's median is not positive. */
  ratio: number;
  /** Median client CPU ms of each side, s3kit / peer; NaN when not measured. */
  cpuRatio: number;
}

function ratioOf(s3kit: number, peer: number): number {
  return peer > 0 ? s3kit / peer : Number.NaN;
}

function cpuMedian(samples: readonly Sample[]): number {
  const cpu = samples.flatMap((sample) => (sample.cpuMs === undefined ? [] : [sample.cpuMs]));
  return cpu.length === samples.length ? median(cpu) : Number.NaN;
}

/** One run of a contender; a failure names the case, the contender and the run. */
async function attempt(
  benchCase: BenchCase,
  contender: Contender,
  context: RunContext,
): Promise<Sample> {
  try {
    return await contender.run(context);
  } catch (error) {
    const run = context.index < 0 ? "warm-up" : `run ${context.index + 1}`;
    throw new Error(
      `${benchCase.title}, ${contender.label}, ${run}: ${(error as Error)?.message ?? error}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Warms up (when the case asks for it), then runs both contenders `runs` times, alternating
 * which goes first so neither always inherits a warmer cache or a busier machine, and
 * reports the medians. `log` receives one progress line per step.
 * @throws whatever a contender throws (a failed verification included).
 */
export async function runCase(
  benchCase: BenchCase,
  runs: number,
  log: (line: string) => void,
): Promise<CaseResult> {
  const { s3kit, peer } = benchCase;
  if (benchCase.warmUp) {
    log(`${benchCase.title}: warm-up`);
    await attempt(benchCase, s3kit, { index: -1, deep: false });
    await attempt(benchCase, peer, { index: -1, deep: false });
  }
  const s3kitSamples: Sample[] = [];
  const peerSamples: Sample[] = [];
  for (let index = 0; index < runs; index++) {
    const kitFirst = index % 2 === 0;
    const order = kitFirst ? [s3kit, peer] : [peer, s3kit];
    for (const contender of order) {
      const sample = await attempt(benchCase, contender, { index, deep: index === 0 });
      (contender === s3kit ? s3kitSamples : peerSamples).push(sample);
      const cpu = sample.cpuMs === undefined ? "" : ` (CPU ${sample.cpuMs.toFixed(0)} ms)`;
      log(
        `${benchCase.title}: run ${index + 1}/${runs} ${contender.label}: ${format(sample.value, benchCase.unit)}${cpu}`,
      );
    }
  }
  const s3kitMedian = median(s3kitSamples.map((sample) => sample.value));
  const peerMedian = median(peerSamples.map((sample) => sample.value));
  return {
    title: benchCase.title,
    unit: benchCase.unit,
    note: benchCase.note,
    s3kitLabel: s3kit.label,
    peerLabel: peer.label,
    s3kitSamples,
    peerSamples,
    s3kitMedian,
    peerMedian,
    ratio: ratioOf(s3kitMedian, peerMedian),
    cpuRatio: ratioOf(cpuMedian(s3kitSamples), cpuMedian(peerSamples)),
  };
}

/** A metric for humans: ms below 10 s, seconds above; MiB with one decimal. */
export function format(value: number, unit: Unit): string {
  if (unit === "MiB") return `${value.toFixed(1)} MiB`;
  return value < 10_000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`;
}
