import type { Connection } from "./connection.js";

/** What the parent asks for (JSON in BIG_CHILD_VARIABLE). */
export interface BigMemoryTask {
  connection: Connection;
  bucket: string;
  mode: "upload-stream" | "download";
  /** The object uploaded to, or downloaded. */
  key: string;
  /** The file read (upload) or written (download). */
  path: string;
  options: { partSize?: number; concurrency?: number };
}

/** What the child reports. */
export interface BigMemoryReport {
  /** RSS in bytes after imports and a warm-up request, just before the transfer. */
  baselineRss: number;
  /** Highest RSS in bytes seen during the transfer. */
  peakRss: number;
  ms: number;
}

/** The environment variable carrying the task. */
export const BIG_CHILD_VARIABLE = "S3KIT_BENCH_BIG_CHILD";
