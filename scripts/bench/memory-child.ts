/**
 * The memory case's child process: opens one 256 MiB (or S3KIT_BENCH_SIZE_MIB) stream, s3kit's
 * `stream()` or a raw GetObject body, and feeds it to a slow reader while sampling RSS. Runs
 * alone in its own process so the parent's buffers do not count. Prints one report line.
 */

import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { kitS3, rawClient } from "./connection.js";
import {
  type MemoryReport,
  type MemoryTask,
  REPORT_PREFIX,
  TASK_VARIABLE,
} from "./memory-protocol.js";
import { trackRss } from "./rss.js";
import { SlowSink } from "./slow-sink.js";

/** A way to open the object: the full body, or (for warming up) its first byte. */
type Open = (firstByteOnly: boolean) => Promise<Readable>;

function opener(task: MemoryTask): { open: Open; close: () => void } {
  if (task.mode === "s3kit") {
    const s3 = kitS3(task.connection);
    const bucket = s3.bucket(task.bucket);
    return {
      open: (firstByteOnly) =>
        bucket.stream(task.key, firstByteOnly ? { range: { offset: 0, length: 1 } } : {}),
      close: () => s3.close(),
    };
  }
  const client = rawClient(task.connection);
  return {
    open: async (firstByteOnly) => {
      const output = await client.send(
        new GetObjectCommand({
          Bucket: task.bucket,
          Key: task.key,
          Range: firstByteOnly ? "bytes=0-0" : undefined,
        }),
      );
      if (!(output.Body instanceof Readable)) throw new Error("GetObject returned no Node stream");
      return output.Body;
    },
    close: () => client.destroy(),
  };
}

async function main(): Promise<void> {
  const raw = process.env[TASK_VARIABLE];
  if (!raw) throw new Error(`${TASK_VARIABLE} is not set; this script is started by the benchmark`);
  const task = JSON.parse(raw) as MemoryTask;
  const { open, close } = opener(task);

  // Warm up the very code path measured (modules the SDK loads lazily, the connection), then
  // let the heap settle, so the baseline holds everything but the stream itself.
  for await (const _ of await open(true)) {
    // drain the one byte
  }
  const rss = await trackRss();
  const sink = new SlowSink(task.readerMiBps, task.hash, rss.sample);
  const start = performance.now();
  let peakRss: number;
  try {
    await pipeline(await open(false), sink);
  } finally {
    peakRss = rss.stop();
    close();
  }
  const report: MemoryReport = {
    baselineRss: rss.baseline,
    peakRss,
    bytes: sink.bytes,
    sha256: sink.digest(),
    ms: performance.now() - start,
  };
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
