import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childReport } from "../child-report.js";
import { MiB } from "../config.js";
import { expectDigest } from "../files.js";
import type { Fixture } from "../fixture.js";
import {
  type MemoryReport,
  type MemoryTask,
  REPORT_PREFIX,
  type StreamMode,
  TASK_VARIABLE,
} from "../memory-protocol.js";
import { rawLibrary } from "../peers/clients.js";
import type { BenchCase, Contender, RunContext } from "../runner.js";

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, "..", "memory-child.ts");

/** Runs the memory child for one task and returns its report. */
function runChild(task: MemoryTask): Promise<MemoryReport> {
  // node with tsx as its loader rather than the tsx CLI, which would run the script in a
  // grandchild: one process, so its RSS is the one measured and its pid the one to kill.
  return childReport<MemoryReport>(
    ["--expose-gc", "--import", "tsx", childScript],
    { ...process.env, [TASK_VARIABLE]: JSON.stringify(task) },
    REPORT_PREFIX,
    `memory child (${task.mode})`,
  );
}

/** A contender that streams the source object in a fresh child; its metric is peak − baseline RSS in MiB. */
function streamer(fixture: Fixture, label: string, mode: StreamMode): Contender {
  return {
    label,
    async run({ deep }: RunContext) {
      const report = await runChild({
        connection: fixture.connection,
        bucket: fixture.bucket.name,
        key: fixture.sourceKey,
        mode,
        readerMiBps: fixture.config.readerMiBps,
        hash: deep,
      });
      expectDigest(`${label} (child)`, fixture.source, {
        size: report.bytes,
        sha256: report.sha256,
      });
      return { value: (report.peakRss - report.baselineRss) / MiB };
    },
  };
}

/**
 * Peak RSS growth while a slow reader consumes the object: s3kit `stream()` against a raw
 * GetObject body, each in its own child process.
 */
export function memoryCase(fixture: Fixture): BenchCase {
  return {
    title: `stream ${fixture.config.sizeMiB} MiB to a slow reader: peak RSS growth`,
    unit: "MiB",
    // Each run is a fresh process; the warm-up is for the server's side (and the page cache).
    warmUp: true,
    note: "each run is a fresh child whose baseline is its RSS after imports and a warm 1-byte GET. The floor of a few tens of MiB is chunk buffers V8 has not collected yet; it does not grow with the object, while a stream ignoring backpressure would (compare two S3KIT_BENCH_SIZE_MIB values).",
    contenders: [
      { library: "s3kit", ...streamer(fixture, "bucket.stream()", "s3kit") },
      { library: rawLibrary(), ...streamer(fixture, "GetObject Body", "raw") },
    ],
  };
}
