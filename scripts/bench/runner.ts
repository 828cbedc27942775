import { type Spread, spread } from "./stats.js";

/** How one measured run is asked for. */
export interface RunContext {
  /** 0-based index of the round; -1 for the warm-up. */
  index: number;
  /** Also verify deeply (content hashes, every object), in the first round only. */
  deep: boolean;
}

/** The outcome of one measured run. */
export interface Sample {
  /** The case's metric, in its unit. */
  value: number;
  /**
   * Client CPU ms spent on the measured part, divided like `value` (per request when the
   * metric is per request); only ratios of it are reported.
   */
  cpuMs?: number;
}

/** A contender that runs. */
export interface RunnableContender {
  /** What is being measured, e.g. "bucket.download()". */
  label: string;
  /** Whose code it is, e.g. "minio-js 8.0.7": the peer's name in tables (default `label`). */
  library?: string;
  /**
   * Performs one run and returns its metric (see the case's unit). Preparation and
   * verification happen outside the measured part; a wrong result throws.
   */
  run(context: RunContext): Promise<Sample>;
}

/** A peer that could not be installed or started; the reason is printed and recorded. */
export interface SkippedContender {
  label: string;
  library?: string;
  skipped: string;
}

/** One side of a comparison. */
export type Contender = RunnableContender | SkippedContender;

/**
 * The unit a case's metric is in. Rates (ending in "/s") are better higher, everything else
 * (times, memory) lower, unless the case says otherwise with `better`.
 */
export type Unit = "ms" | "µs" | "s" | "MiB" | "KiB" | "MiB/s" | "objects/s";

/** One comparison of s3kit (`contenders[0]`) against its peers (the rest). */
export interface BenchCase {
  title: string;
  unit: Unit;
  /** Whether to run each contender once, unmeasured, before the measured rounds. */
  warmUp: boolean;
  contenders: Contender[];
  /** What differs between the contenders beyond speed, for reading the numbers right. */
  note?: string;
  /** Overrides the direction implied by the unit. */
  better?: "lower" | "higher";
}

/** The samples and statistics of one contender in one case. */
export interface ContenderResult extends Partial<Spread> {
  label: string;
  library: string;
  /** Why the contender did not run; no samples then. */
  skipped?: string;
  /** In round order. */
  samples: Sample[];
  /** Median client CPU ms (divided like the metric), when every sample has it. */
  cpuMedian?: number;
  /**
   * How many times as good s3kit's median is as this contender's: peer / s3kit for a
   * lower-is-better metric, s3kit / peer for a rate. ≥ 1 means s3kit is as fast (or as lean)
   * or better. 1 for s3kit itself; absent when skipped or not computable.
   */
  ratio?: number;
  /** The same ratio taken per round (pairing each round's samples): its lowest and highest. */
  ratioMin?: number;
  ratioMax?: number;
  /** The ratio of the client CPU medians, in the same direction as `ratio`. */
  cpuRatio?: number;
}

/** One case's outcome: `contenders[0]` is s3kit. */
export interface CaseResult {
  title: string;
  unit: Unit;
  better: "lower" | "higher";
  note: string | undefined;
  contenders: ContenderResult[];
}

/** Whether a case's metric is better lower or higher. */
export function directionOf(benchCase: Pick<BenchCase, "unit" | "better">): "lower" | "higher" {
  return benchCase.better ?? (benchCase.unit.endsWith("/s") ? "higher" : "lower");
}

/** s3kit's value against a peer's, as "times as good" (see `ContenderResult.ratio`). */
function ratioOf(kit: number, peer: number, better: "lower" | "higher"): number | undefined {
  const ratio = better === "lower" ? peer / kit : kit / peer;
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

/** "minio-js 8.0.7 putObject()": whose code and what, for progress lines and errors. */
function nameOf(contender: Contender): string {
  const { library, label } = contender;
  return library && library !== label ? `${library} ${label}` : label;
}

function isSkipped(contender: Contender): contender is SkippedContender {
  return "skipped" in contender;
}

/** One run of a contender; a failure names the case, the contender and the round. */
async function attempt(
  benchCase: BenchCase,
  contender: RunnableContender,
  context: RunContext,
): Promise<Sample> {
  try {
    return await contender.run(context);
  } catch (error) {
    const run = context.index < 0 ? "warm-up" : `round ${context.index + 1}`;
    const message = (error as Error)?.message ?? String(error);
    throw new Error(`${benchCase.title}, ${nameOf(contender)}, ${run}: ${message}`, {
      cause: error,
    });
  }
}

/** The contender's statistics; `kit` is s3kit's samples, for the ratios. */
function summarise(
  contender: Contender,
  samples: Sample[],
  kit: readonly Sample[],
  better: "lower" | "higher",
): ContenderResult {
  const library = contender.library ?? contender.label;
  if (isSkipped(contender)) {
    return { label: contender.label, library, skipped: contender.skipped, samples: [] };
  }
  const stats = spread(samples.map((sample) => sample.value));
  const kitMedian = spread(kit.map((sample) => sample.value)).median;
  const perRound = samples.flatMap((sample, i) => {
    const ratio = ratioOf(kit[i]?.value ?? Number.NaN, sample.value, better);
    return ratio === undefined ? [] : [ratio];
  });
  const cpu = samples.flatMap((sample) => (sample.cpuMs === undefined ? [] : [sample.cpuMs]));
  const kitCpu = kit.flatMap((sample) => (sample.cpuMs === undefined ? [] : [sample.cpuMs]));
  const cpuMedian = cpu.length === samples.length ? spread(cpu).median : undefined;
  const kitCpuMedian = kitCpu.length === kit.length ? spread(kitCpu).median : undefined;
  return {
    label: contender.label,
    library,
    samples,
    ...stats,
    cpuMedian,
    ratio: ratioOf(kitMedian, stats.median, better),
    ratioMin: perRound.length > 0 ? Math.min(...perRound) : undefined,
    ratioMax: perRound.length > 0 ? Math.max(...perRound) : undefined,
    // CPU is always better lower, whatever the metric.
    cpuRatio:
      cpuMedian === undefined || kitCpuMedian === undefined
        ? undefined
        : ratioOf(kitCpuMedian, cpuMedian, "lower"),
  };
}

/**
 * Warms up (when the case asks for it), then runs `rounds` rounds in which every contender
 * runs once, round-robin, the first of each round rotating so none always inherits a warmer
 * cache or a busier machine. Skipped contenders are reported, not run. `log` receives one
 * progress line per step.
 * @throws whatever a contender throws (a failed verification included).
 */
export async function runCase(
  benchCase: BenchCase,
  rounds: number,
  log: (line: string) => void,
): Promise<CaseResult> {
  const { contenders, title, unit } = benchCase;
  if (contenders.length === 0 || isSkipped(contenders[0] as Contender)) {
    throw new Error(`${title}: contenders[0] must be s3kit, and it cannot be skipped`);
  }
  const samples = contenders.map((): Sample[] => []);
  const runnable = contenders.flatMap((contender, i) =>
    isSkipped(contender) ? [] : [{ contender, list: samples[i] as Sample[] }],
  );
  for (const contender of contenders) {
    if (isSkipped(contender)) log(`${title}: ${nameOf(contender)} skipped: ${contender.skipped}`);
  }
  if (benchCase.warmUp) {
    log(`${title}: warm-up`);
    for (const { contender } of runnable) {
      await attempt(benchCase, contender, { index: -1, deep: false });
    }
  }
  for (let index = 0; index < rounds; index++) {
    for (let turn = 0; turn < runnable.length; turn++) {
      const { contender, list } = runnable[
        (index + turn) % runnable.length
      ] as (typeof runnable)[0];
      const sample = await attempt(benchCase, contender, { index, deep: index === 0 });
      list.push(sample);
      log(
        `${title}: round ${index + 1}/${rounds} ${nameOf(contender)}: ${format(sample.value, unit)}`,
      );
    }
  }
  const better = directionOf(benchCase);
  const kit = samples[0] as Sample[];
  return {
    title,
    unit,
    better,
    note: benchCase.note,
    contenders: contenders.map((contender, i) =>
      summarise(contender, samples[i] as Sample[], kit, better),
    ),
  };
}

/** A number for humans: three significant digits or so. */
export function formatNumber(value: number): string {
  return value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2);
}

/** A metric for humans, with its unit. */
export function format(value: number, unit: Unit): string {
  return `${formatNumber(value)} ${unit}`;
}
