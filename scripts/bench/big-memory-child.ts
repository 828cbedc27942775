/**
 * The big-memory case's child process: one s3kit upload from a file stream, or one download
 * to a file, while sampling RSS. Runs alone in its own process so the parent's buffers do
 * not count. Prints one report line after REPORT_PREFIX.
 */
import { createReadStream } from "node:fs";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import {
  BIG_CHILD_VARIABLE,
  type BigMemoryReport,
  type BigMemoryTask,
} from "./big-memory-protocol.js";
import { kitS3 } from "./connection.js";
import { REPORT_PREFIX } from "./memory-protocol.js";
import { trackRss } from "./rss.js";

async function main(): Promise<void> {
  const raw = process.env[BIG_CHILD_VARIABLE];
  if (!raw) throw new Error(`${BIG_CHILD_VARIABLE} is not set; the benchmark starts this script`);
  const task = JSON.parse(raw) as BigMemoryTask;
  const s3 = kitS3(task.connection);
  const bucket = s3.bucket(task.bucket);
  try {
    // Warm up the code path measured (modules loaded lazily, the connection), then let the
    // heap settle, so the baseline holds everything but the transfer's own buffers.
    const warmKey = `${task.key}.warm-up`;
    await bucket.upload(Readable.from([Buffer.from("warm-up")]), warmKey, task.options);
    await bucket.delete(warmKey);
    const rss = await trackRss();
    const start = performance.now();
    let peakRss: number;
    try {
      if (task.mode === "download") await bucket.download(task.key, task.path, task.options);
      else await bucket.upload(createReadStream(task.path), task.key, task.options);
    } finally {
      peakRss = rss.stop();
    }
    const report: BigMemoryReport = {
      baselineRss: rss.baseline,
      peakRss,
      ms: performance.now() - start,
    };
    process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`);
  } finally {
    s3.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
