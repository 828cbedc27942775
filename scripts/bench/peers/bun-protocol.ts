import type { Connection } from "../connection.js";
import type { BatchOutcome, SmallOp } from "../small-batch.js";

/** What the Bun child is started with (as JSON in `BUN_TASK_VARIABLE`, not argv, which `ps` shows). */
export interface BunInit {
  connection: Connection;
  bucket: string;
}

/** One batch of work for the Bun child: one JSON line on its stdin. */
export type BunRequest =
  | { op: SmallOp; keys: string[]; concurrency: number }
  | { op: "presign"; method: "GET" | "PUT"; keys: string[] };

/**
 * The child's answer to one request, one JSON line on its stdout: the batch as measured in
 * the child (around the requests only), the first URL of a presign batch, or the error.
 */
export interface BunReply extends Partial<BatchOutcome> {
  url?: string;
  error?: string;
}

/** The first line the child prints once its client is made: `{ "ready": version }`. */
export interface BunReady {
  ready: string;
}

/** The environment variable carrying `BunInit`. */
export const BUN_TASK_VARIABLE = "S3KIT_BENCH_BUN";
