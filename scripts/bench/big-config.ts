/**
 * Settings of the big-object and many-object cases (S3KIT_BENCH_* variables, read by
 * config.ts; `--quick` scales them down so the cases only prove they run).
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

/** The variables of `BigConfig`, for printing the command that was run. */
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

/**
 * s3kit's transfer defaults as its option docs give them (UploadOptions and DownloadOptions,
 * `@default`): what the big cases run unless S3KIT_BENCH_PART_MIB / _CONCURRENCY say
 * otherwise, and the load warp's ceiling is measured at.
 */
const KIT_DEFAULTS = {
  upload: { partMiB: 16, concurrency: 4 },
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
