import { rm } from "node:fs/promises";
import { join } from "node:path";
import { MiB } from "../config.js";
import type { Contender } from "../runner.js";
import { type ExternalPeers, peerContender } from "./external.js";
import { runProgram } from "./program.js";

/** One warp benchmark: whole-object GETs or PUTs of one size, a fixed number at once. */
export interface WarpLoad {
  op: "get" | "put";
  /** Bytes per object: s3kit's part size, so warp does what each of s3kit's requests does. */
  objectSize: number;
  concurrency: number;
}

/** The part of warp's --json report read here. */
interface WarpReport {
  by_op_type?: Record<
    string,
    {
      total_bytes?: number;
      start_time?: string;
      end_time?: string;
      throughput?: { bytes?: number; measure_duration_millis?: number };
    }
  >;
}

/**
 * MiB/s from warp's JSON report: the operation's measured window (warp leaves out the ramp
 * at both ends), else all its bytes over its whole time.
 * @throws Error when the report has neither.
 */
export function warpThroughput(stdout: string, op: string): number {
  const start = stdout.indexOf("{");
  const report = JSON.parse(start < 0 ? "{}" : stdout.slice(start)) as WarpReport;
  const stats = report.by_op_type?.[op.toUpperCase()];
  const window = stats?.throughput;
  if (window?.bytes && window.measure_duration_millis) {
    return window.bytes / MiB / (window.measure_duration_millis / 1000);
  }
  if (stats?.total_bytes && stats.start_time && stats.end_time) {
    const ms = Date.parse(stats.end_time) - Date.parse(stats.start_time);
    if (ms > 0) return stats.total_bytes / MiB / (ms / 1000);
  }
  throw new Error(`warp reported no ${op.toUpperCase()} throughput: ${stdout.slice(0, 300)}`);
}

/**
 * Runs warp for `seconds` against the fixture's server and returns its throughput in MiB/s.
 * A GET run first uploads enough objects for every request to find one (not measured).
 * @throws Error with warp's output when it fails.
 */
export async function runWarp(
  peers: ExternalPeers,
  path: string,
  load: WarpLoad,
  seconds: number,
  dir: string,
): Promise<number> {
  const { endpoint, region, accessKeyId, secretAccessKey } = peers.connection;
  const benchdata = join(dir, `warp-${load.op}`);
  const objects =
    load.op === "get" ? ["--objects", String(Math.max(16, 2 * load.concurrency))] : [];
  const result = await runProgram({
    command: path,
    args: [
      load.op,
      "--json",
      "--no-color",
      "--host",
      new URL(endpoint).host,
      "--region",
      region,
      "--lookup",
      "path",
      "--bucket",
      peers.warpBucket,
      "--obj.size",
      String(load.objectSize),
      "--concurrent",
      String(load.concurrency),
      "--duration",
      `${seconds}s`,
      // The server's ceiling: no client-side hashing, one PUT per object whatever its size.
      "--disable-sha256-payload",
      "--disable-multipart",
      "--benchdata",
      benchdata,
      ...objects,
    ],
    env: { WARP_ACCESS_KEY: accessKeyId, WARP_SECRET_KEY: secretAccessKey },
  });
  await rm(`${benchdata}.json.zst`, { force: true });
  return warpThroughput(result.stdout, load.op);
}

/** warp as a contender: the server's ceiling for `load`, in MiB/s. */
export function warpCeiling(peers: ExternalPeers, load: WarpLoad, dir: string): Contender {
  const what = `${load.op.toUpperCase()} ${load.objectSize / MiB} MiB objects, ${load.concurrency} at once`;
  return peerContender(peers, "warp", (tool) => ({
    label: `warp ${load.op} (${what})`,
    library: `${tool.label} (server ceiling)`,
    async run({ index }) {
      // A fresh process that prepares its own objects: a warm-up would only cost its seconds.
      if (index < 0) return { value: 0 };
      return { value: await runWarp(peers, tool.path, load, peers.config.warpSeconds, dir) };
    },
  }));
}
