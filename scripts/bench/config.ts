/** One mebibyte, the unit every size of the benchmark is given in. */
export const MiB = 1024 * 1024;

/** What one benchmark run measures, read from S3KIT_BENCH_* environment variables. */
export interface BenchConfig {
  /** Size of the transferred object in MiB (S3KIT_BENCH_SIZE_MIB, default 256). */
  sizeMiB: number;
  /** Keys in the listing case (S3KIT_BENCH_KEYS, default 10000). */
  keys: number;
  /** Measured runs per contender; the median is reported (S3KIT_BENCH_RUNS, default 3). */
  runs: number;
  /**
   * Pace of the slow reader in the memory case, MiB/s (S3KIT_BENCH_READER_MIBPS, default 64):
   * well below loopback speed, so a stream that ignores backpressure would pile up bytes.
   */
  readerMiBps: number;
  /** The cases to run, in this order (S3KIT_BENCH_CASES, comma-separated; default all). */
  cases: CaseName[];
}

/** The benchmark's cases, in their default order. */
export const CASE_NAMES = ["download", "upload", "list", "memory"] as const;

/** One of `CASE_NAMES`. */
export type CaseName = (typeof CASE_NAMES)[number];

/** The variables `readConfig` understands, for printing the command that was run. */
export const CONFIG_VARIABLES = [
  "S3KIT_BENCH_SIZE_MIB",
  "S3KIT_BENCH_KEYS",
  "S3KIT_BENCH_RUNS",
  "S3KIT_BENCH_READER_MIBPS",
  "S3KIT_BENCH_CASES",
] as const;

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function caseList(env: NodeJS.ProcessEnv): CaseName[] {
  const raw = env.S3KIT_BENCH_CASES;
  if (raw === undefined || raw.trim() === "") return [...CASE_NAMES];
  const names = raw.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(CASE_NAMES as readonly string[]).includes(name)) {
      throw new Error(
        `S3KIT_BENCH_CASES: unknown case ${JSON.stringify(name)} (known: ${CASE_NAMES.join(", ")})`,
      );
    }
  }
  return names as CaseName[];
}

/**
 * Reads the benchmark settings from the environment.
 * @throws Error naming the variable when a number is not a whole number ≥ 1 or a case is unknown.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  return {
    sizeMiB: positiveInteger(env, "S3KIT_BENCH_SIZE_MIB", 256),
    keys: positiveInteger(env, "S3KIT_BENCH_KEYS", 10_000),
    runs: positiveInteger(env, "S3KIT_BENCH_RUNS", 3),
    readerMiBps: positiveInteger(env, "S3KIT_BENCH_READER_MIBPS", 64),
    cases: caseList(env),
  };
}
