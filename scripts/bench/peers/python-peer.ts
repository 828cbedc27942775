import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExternalPeers } from "./external.js";
import { runProgram } from "./program.js";
import type { PythonPeer } from "./python-env.js";

const driver = join(dirname(fileURLToPath(import.meta.url)), "transfer.py");

/** boto3's TransferConfig.max_concurrency: s3transfer's threads, as in issue 11's measurements. */
export const BOTO3_THREADS = 16;

/** One transfer for transfer.py (see its docstring). */
export interface PythonTask {
  lib: PythonPeer;
  op: "download" | "stream" | "upload-file" | "upload-stream";
  bucket: string;
  key: string;
  /** The local file read or written (unused by "stream"). */
  path: string;
  /** SHA-256 what a stream read. */
  hash: boolean;
}

/** What transfer.py reports. */
export interface PythonReport {
  /** The transfer alone, in seconds. */
  seconds: number;
  /** VmRSS just before the transfer, and VmHWM after it, in bytes. */
  baselineRss: number;
  peakRss: number;
  /** What a stream read (null for the other operations). */
  bytes: number | null;
  sha256: string | null;
}

/**
 * Runs one transfer in a fresh Python process (the venv's) and returns its report.
 * @throws Error with Python's stderr when the transfer fails or prints no report.
 */
export async function runPython(
  peers: ExternalPeers,
  python: string,
  task: PythonTask,
): Promise<PythonReport> {
  const { endpoint, region, accessKeyId, secretAccessKey } = peers.connection;
  const payload = { ...task, endpoint, region, accessKeyId, secretAccessKey };
  const result = await runProgram({
    command: python,
    args: [driver],
    // The credentials go through the environment, not argv, which `ps` shows.
    env: {
      S3KIT_BENCH_PY_TASK: JSON.stringify({ ...payload, threads: BOTO3_THREADS }),
    },
  });
  const line = result.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as PythonReport;
  } catch {
    throw new Error(`${task.lib} ${task.op} printed no report: ${result.stderr.trim()}`);
  }
}
