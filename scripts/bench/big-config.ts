/**
 * Settings of the big-object and many-object cases (S3KIT_BENCH_* variables; `--quick`
 * scales them down so the cases only prove they run).
 */
export interface BigConfig {
  /** Size of the big object in MiB (S3KIT_BENCH_BIG_MIB, default 1024; quick 8). */
  bigMiB: number;
  /** Keys deleted per run by deleteMany (S3KIT_BENCH_DELETE_KEYS, default 20000; quick 300). */
  deleteKeys: number;
  /** Pairs copied per run by copyMany (S3KIT_BENCH_COPY_KEYS, default 2000; quick 40). */
  copyKeys: number;
  /** Files of uploadDir/downloadDir (S3KIT_BENCH_DIR_FILES, default 2000; quick 40). */
  dirFiles: number;
  /** Size of each of those files in KiB (S3KIT_BENCH_DIR_FILE_KIB, default 16). */
  dirFileKiB: number;
  /** How long each warp run measures, in seconds (S3KIT_BENCH_WARP_SECONDS, default 10; quick 3). */
  warpSeconds: number;
  /** s3kit's part size in MiB for the big cases (S3KIT_BENCH_PART_MIB); unset: s3kit's default. */
  partMiB: number | undefined;
  /** s3kit's concurrency for the big cases (S3KIT_BENCH_CONCURRENCY); unset: s3kit's default. */
  concurrency: number | undefined;
  /**
   * The external peers to run (S3KIT_BENCH_PEERS, comma-separated from s5cmd, warp, boto3,
   * obstore; default all); the others are reported as skipped.
   */
  peers: PeerName[];
}

/** The external peers, built or installed by the benchmark itself. */
export const PEER_NAMES = ["s5cmd", "warp", "boto3", "obstore"] as const;

/** One of `PEER_NAMES`. */
export type PeerName = (typeof PEER_NAMES)[number];

/** The variables `readBigConfig` understands, for printing the command that was run. */
export const BIG_CONFIG_VARIABLES = [
  "S3KIT_BENCH_BIG_MIB",
  "S3KIT_BENCH_DELETE_KEYS",
  "S3KIT_BENCH_COPY_KEYS",
  "S3KIT_BENCH_DIR_FILES",
  "S3KIT_BENCH_DIR_FILE_KIB",
  "S3KIT_BENCH_WARP_SECONDS",
  "S3KIT_BENCH_PART_MIB",
  "S3KIT_BENCH_CONCURRENCY",
  "S3KIT_BENCH_PEERS",
] as const;

type Variable = (typeof BIG_CONFIG_VARIABLES)[number];

function wholeNumber(env: NodeJS.ProcessEnv, name: Variable): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function peerList(env: NodeJS.ProcessEnv): PeerName[] {
  const raw = env.S3KIT_BENCH_PEERS;
  if (raw === undefined || raw.trim() === "") return [...PEER_NAMES];
  const names = raw.split(",").map((name) => name.trim());
  const unknown = names.find((name) => !(PEER_NAMES as readonly string[]).includes(name));
  if (unknown !== undefined) {
    throw new Error(
      `S3KIT_BENCH_PEERS: unknown peer ${JSON.stringify(unknown)} (known: ${PEER_NAMES.join(", ")})`,
    );
  }
  return names as PeerName[];
}

/**
 * Reads the settings; a variable that is set wins over `quick`'s defaults.
 * @throws Error naming the variable when a number is not a whole number ≥ 1 or a peer is unknown.
 */
export function readBigConfig(quick: boolean, env: NodeJS.ProcessEnv = process.env): BigConfig {
  const pick = (name: Variable, full: number, small: number) =>
    wholeNumber(env, name) ?? (quick ? small : full);
  return {
    bigMiB: pick("S3KIT_BENCH_BIG_MIB", 1024, 8),
    deleteKeys: pick("S3KIT_BENCH_DELETE_KEYS", 20_000, 300),
    copyKeys: pick("S3KIT_BENCH_COPY_KEYS", 2000, 40),
    dirFiles: pick("S3KIT_BENCH_DIR_FILES", 2000, 40),
    dirFileKiB: pick("S3KIT_BENCH_DIR_FILE_KIB", 16, 16),
    warpSeconds: pick("S3KIT_BENCH_WARP_SECONDS", 10, 3),
    partMiB: wholeNumber(env, "S3KIT_BENCH_PART_MIB"),
    concurrency: wholeNumber(env, "S3KIT_BENCH_CONCURRENCY"),
    peers: peerList(env),
  };
}

/**
 * s3kit's transfer defaults as its option docs give them (UploadOptions and DownloadOptions,
 * `@default`): what the big cases run unless S3KIT_BENCH_PART_MIB / _CONCURRENCY say
 * otherwise, and the load warp's ceiling is measured at.
 */
const KIT_DEFAULTS = {
  upload: { partMiB: 8, concurrency: 4 },
  download: { partMiB: 8, concurrency: 8 },
} as const;

/** The part size and concurrency s3kit runs a big transfer with. */
export interface KitTransfer {
  partMiB: number;
  concurrency: number;
  /** The options to pass: only what the variables set, so unset means s3kit's own defaults. */
  options: { partSize?: number; concurrency?: number };
  /** For labels: " (16 MiB × 8)" when the variables set something, else "". */
  suffix: string;
}

/** What s3kit runs uploads or downloads with under `config`. */
export function kitTransfer(config: BigConfig, direction: "upload" | "download"): KitTransfer {
  const defaults = KIT_DEFAULTS[direction];
  const partMiB = config.partMiB ?? defaults.partMiB;
  const concurrency = config.concurrency ?? defaults.concurrency;
  const set = config.partMiB !== undefined || config.concurrency !== undefined;
  return {
    partMiB,
    concurrency,
    options: {
      ...(config.partMiB === undefined ? {} : { partSize: config.partMiB * 1024 * 1024 }),
      ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
    },
    suffix: set ? ` (${partMiB} MiB × ${concurrency})` : "",
  };
}

/** The settings for the report's settings line. */
export function bigSettingsText(config: BigConfig): string {
  const kit =
    config.partMiB === undefined && config.concurrency === undefined
      ? "s3kit's defaults"
      : `s3kit ${config.partMiB ?? "default"} MiB parts × ${config.concurrency ?? "default"}`;
  return `big object ${config.bigMiB} MiB (${kit}), deleteMany ${config.deleteKeys} keys, copyMany ${config.copyKeys}, trees of ${config.dirFiles} × ${config.dirFileKiB} KiB, warp ${config.warpSeconds} s, peers ${config.peers.join(",")}`;
}
