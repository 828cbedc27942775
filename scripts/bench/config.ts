import { BIG_CONFIG_VARIABLES, type BigConfig, PEER_NAMES, type PeerName } from "./big-config.js";

/** One mebibyte, the unit every size of the benchmark is given in. */
export const MiB = 1024 * 1024;

/** What one benchmark run measures, read from S3KIT_BENCH_* variables and the command line. */
export interface BenchConfig {
  /** `--quick`: tiny sizes and counts, one round; proves every case runs, measures nothing. */
  quick: boolean;
  /** Size of the transferred object in MiB (S3KIT_BENCH_SIZE_MIB, default 256; quick 1). */
  sizeMiB: number;
  /** Keys in the listing case (S3KIT_BENCH_KEYS, default 100000, issue 11's count; quick 50). */
  keys: number;
  /** Rounds; each contender runs once per round, the median is reported (S3KIT_BENCH_RUNS, default 3; quick 1). */
  runs: number;
  /**
   * Pace of the slow reader in the memory case, MiB/s (S3KIT_BENCH_READER_MIBPS, default 64):
   * well below loopback speed, so a stream that ignores backpressure would pile up bytes.
   */
  readerMiBps: number;
  /** Requests per run in the small-request cases (S3KIT_BENCH_REQUESTS, default 300; quick 10). */
  requests: number;
  /** URLs per run in the presign cases (S3KIT_BENCH_URLS, default 2000; quick 20). */
  urls: number;
  /** The cases to run, in this order (S3KIT_BENCH_CASES, comma-separated; default all). */
  cases: CaseName[];
  /** Where results.json and results.svg go (`--out DIR`; default bench, quick .cache/bench-quick). */
  outDir: string;
  /** Settings of the big-object and many-object cases (see big-config.ts). */
  big: BigConfig;
}

/** The benchmark's cases, in their default order. */
export const CASE_NAMES = [
  "small",
  "presign",
  "cold",
  "download",
  "upload",
  "list",
  "memory",
  "big-download",
  "big-upload",
  "big-memory",
  "many-batch",
  "many-dirs",
] as const;

/** One of `CASE_NAMES`. */
export type CaseName = (typeof CASE_NAMES)[number];

/** The variables `readConfig` understands, for printing the command that was run. */
export const CONFIG_VARIABLES = [
  "S3KIT_BENCH_SIZE_MIB",
  "S3KIT_BENCH_KEYS",
  "S3KIT_BENCH_RUNS",
  "S3KIT_BENCH_READER_MIBPS",
  "S3KIT_BENCH_REQUESTS",
  "S3KIT_BENCH_URLS",
  "S3KIT_BENCH_CASES",
  ...BIG_CONFIG_VARIABLES,
] as const;

/** A variable's whole number ≥ 1; undefined when it is unset or blank. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return wholeNumber(env, name) ?? fallback;
}

/** A comma-separated list of `known` names (default all of them, in their order). */
function nameList<T extends string>(
  env: NodeJS.ProcessEnv,
  name: string,
  known: readonly T[],
  what: string,
): T[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return [...known];
  const names = raw.split(",").map((item) => item.trim());
  for (const item of names) {
    if (!(known as readonly string[]).includes(item)) {
      throw new Error(
        `${name}: unknown ${what} ${JSON.stringify(item)} (known: ${known.join(", ")})`,
      );
    }
  }
  return names as T[];
}

/** The big-object and many-object settings; a variable that is set wins over `quick`'s defaults. */
function readBigConfig(quick: boolean, env: NodeJS.ProcessEnv): BigConfig {
  const pick = (name: string, full: number, small: number) =>
    positiveInteger(env, name, quick ? small : full);
  return {
    bigMiB: pick("S3KIT_BENCH_BIG_MIB", 1024, 8),
    deleteKeys: pick("S3KIT_BENCH_DELETE_KEYS", 20_000, 300),
    copyKeys: pick("S3KIT_BENCH_COPY_KEYS", 2000, 40),
    dirFiles: pick("S3KIT_BENCH_DIR_FILES", 2000, 40),
    dirFileKiB: pick("S3KIT_BENCH_DIR_FILE_KIB", 16, 16),
    warpSeconds: pick("S3KIT_BENCH_WARP_SECONDS", 10, 3),
    partMiB: wholeNumber(env, "S3KIT_BENCH_PART_MIB"),
    concurrency: wholeNumber(env, "S3KIT_BENCH_CONCURRENCY"),
    peers: nameList<PeerName>(env, "S3KIT_BENCH_PEERS", PEER_NAMES, "peer"),
  };
}

/** The flags of `npm run bench -- …`. */
function readArgs(argv: readonly string[]): { quick: boolean; outDir: string | undefined } {
  let quick = false;
  let outDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") quick = true;
    else if (arg === "--out" && argv[i + 1]) outDir = argv[++i];
    else throw new Error(`unknown argument ${JSON.stringify(arg)} (known: --quick, --out DIR)`);
  }
  return { quick, outDir };
}

/**
 * Reads the benchmark settings from the environment and the arguments; a variable that is
 * set wins over `--quick`'s defaults.
 * @throws Error naming the variable when a number is not a whole number ≥ 1, a case is
 * unknown, or an argument is.
 */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
): BenchConfig {
  const { quick, outDir } = readArgs(argv);
  return {
    quick,
    sizeMiB: positiveInteger(env, "S3KIT_BENCH_SIZE_MIB", quick ? 1 : 256),
    keys: positiveInteger(env, "S3KIT_BENCH_KEYS", quick ? 50 : 100_000),
    runs: positiveInteger(env, "S3KIT_BENCH_RUNS", quick ? 1 : 3),
    readerMiBps: positiveInteger(env, "S3KIT_BENCH_READER_MIBPS", 64),
    requests: positiveInteger(env, "S3KIT_BENCH_REQUESTS", quick ? 10 : 300),
    urls: positiveInteger(env, "S3KIT_BENCH_URLS", quick ? 20 : 2000),
    cases: nameList<CaseName>(env, "S3KIT_BENCH_CASES", CASE_NAMES, "case"),
    outDir: outDir ?? (quick ? ".cache/bench-quick" : "bench"),
    big: readBigConfig(quick, env),
  };
}
