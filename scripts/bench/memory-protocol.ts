import type { Connection } from "./connection.js";

/** Which stream the memory child reads. */
export type StreamMode = "s3kit" | "raw";

/** What the parent asks the memory child to do (passed as JSON in S3KIT_BENCH_CHILD). */
export interface MemoryTask {
  connection: Connection;
  bucket: string;
  key: string;
  mode: StreamMode;
  /** Pace of the slow reader, MiB/s. */
  readerMiBps: number;
  /** Hash what was read, for the deep check. */
  hash: boolean;
}

/** What the memory child reports, on one stdout line after `REPORT_PREFIX`. */
export interface MemoryReport {
  /** RSS in bytes once everything is loaded and warmed up, just before the stream opens. */
  baselineRss: number;
  /** Highest RSS in bytes seen while the stream was open and being read. */
  peakRss: number;
  /** Bytes the slow reader received. */
  bytes: number;
  sha256: string | undefined;
  ms: number;
}

/** Marks the report line among whatever else the child prints. */
export const REPORT_PREFIX = "S3KIT_BENCH_REPORT ";

/** The environment variable carrying the task. */
export const TASK_VARIABLE = "S3KIT_BENCH_CHILD";
