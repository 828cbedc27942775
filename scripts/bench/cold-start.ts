/**
 * Cold start (issue 11, item 5), for serverless and edge users: in fresh `node` processes, the
 * time to import s3kit's build, the raw SDK and minio-js, and the time from process start to
 * the first completed GET of a small object; and the minified size of a one-GET Worker bundle.
 *
 * As a bench case: `measureColdStart(...)` returns, per metric, each contender's samples
 * (s3kit first). Alone: `npx tsx scripts/bench/cold-start.ts` starts MinIO, builds dist when
 * it is missing, prints the table, what the imports load, and cleans up. Runs per contender
 * come from S3KIT_BENCH_RUNS (default 10 here: one process start is noisy).
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startMinio } from "../minio.js";
import { createBenchBucket, removeBenchBucket } from "./buckets.js";
import { type BundleSize, workerBundleSizes } from "./cold-start-bundle.js";
import { loadLines, summarizeLoads } from "./cold-start-modules.js";
import {
  type ChildReport,
  type FirstRequest,
  LIBRARIES,
  type Library,
  projectRoot,
  runColdChild,
  whySkipped,
} from "./cold-start-run.js";
import { rawClient } from "./connection.js";
import { machineInfo, machineLines } from "./report.js";
import { median } from "./stats.js";

/** One contender's samples of one metric; `skipped` says why there are none. */
export interface ContenderSamples {
  label: string;
  samples: number[];
  skipped?: string;
}

/** One metric of the cold start, contenders in LIBRARIES order (s3kit first). */
export interface ColdStartMetric {
  title: string;
  unit: "ms" | "bytes";
  note?: string;
  contenders: ContenderSamples[];
}

export interface ColdStartOptions {
  /** Measured child processes per library (each also makes the first request when given). */
  runs: number;
  /** Where the first request goes; without it only imports and bundles are measured. */
  request?: FirstRequest;
  log: (line: string) => void;
}

/** A timed metric and where a child's report holds its sample (undefined: not measured). */
type TimedMetric = ColdStartMetric & { sampleOf(report: ChildReport): number | undefined };

/** The timed metrics; the first-request ones only take samples when a request is made. */
function timedMetrics(
  available: readonly Library[],
  skipped: ReadonlyMap<Library, string>,
): TimedMetric[] {
  const contenders = () =>
    LIBRARIES.map((library) => ({
      label: library.label,
      samples: [],
      skipped: available.includes(library) ? undefined : skipped.get(library),
    }));
  const metric = (title: string, note: string, sampleOf: TimedMetric["sampleOf"]): TimedMetric => ({
    title,
    unit: "ms",
    note,
    contenders: contenders(),
    sampleOf,
  });
  return [
    metric(
      "import (wall)",
      "await import() in a fresh node, from before the import to its end; s3kit's includes the SDK it is built on",
      (report) => report.importMs,
    ),
    metric(
      "import (CPU)",
      "user + system CPU of the same import: steadier than wall time on a busy machine",
      (report) => report.importCpuMs,
    ),
    metric(
      "process start → first GET response",
      "performance.now() when a 1 KiB GET has been read, new client included: node's own start, the import, the client, the request",
      (report) => report.firstResponseMs,
    ),
    metric(
      "process start → first GET response (CPU)",
      "user + system CPU of the whole process until then",
      (report) => report.firstResponseCpuMs,
    ),
  ];
}

function bundleMetrics(sizes: readonly BundleSize[]): ColdStartMetric[] {
  const own = sizes[0]?.byPackage.find(([name]) => name === "s3kit")?.[1] ?? 0;
  const note = `one-GET Worker, esbuild --bundle --minify as Wrangler bundles (browser platform, workerd/worker/browser conditions); s3kit's own code is ${own.toLocaleString("en-US")} B of it`;
  return [
    {
      title: "Worker bundle (minified)",
      unit: "bytes",
      note,
      contenders: sizes.map((size) => ({ label: size.label, samples: [size.bytes] })),
    },
    {
      title: "Worker bundle (minified, gzip)",
      unit: "bytes",
      note,
      contenders: sizes.map((size) => ({ label: size.label, samples: [size.gzipBytes] })),
    },
  ];
}

/**
 * Measures the cold start: after one unmeasured start per library (disk cache, server),
 * `runs` rounds of one fresh process per library, the order rotating each round; then the
 * Worker bundles. Libraries that cannot be loaded are reported as skipped, with the reason.
 * @throws the first failing child's error.
 */
export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartMetric[]> {
  const skipped = new Map<Library, string>();
  for (const library of LIBRARIES) {
    const reason = whySkipped(library);
    if (reason !== undefined) skipped.set(library, reason);
  }
  const available = LIBRARIES.filter((library) => !skipped.has(library));
  const metrics = timedMetrics(available, skipped);
  for (const library of available) await runColdChild(library, options.request);
  for (let round = 0; round < options.runs; round++) {
    const order = available.map((_, i) => available[(i + round) % available.length] as Library);
    for (const library of order) {
      const report = await runColdChild(library, options.request);
      for (const metric of metrics) {
        const sample = metric.sampleOf(report);
        if (sample !== undefined)
          metric.contenders[LIBRARIES.indexOf(library)]?.samples.push(sample);
      }
    }
    options.log(`cold start: round ${round + 1}/${options.runs}`);
  }
  // Only what was measured, and without sampleOf: plain data for the report.
  const timed = metrics
    .filter((metric) => metric.contenders.some((contender) => contender.samples.length > 0))
    .map(({ sampleOf: _, ...metric }) => metric);
  options.log("cold start: bundling the Worker entries");
  return [...timed, ...bundleMetrics(await workerBundleSizes(projectRoot))];
}

/** A metric's value for humans: ms with one decimal, bytes with their KiB. */
function formatValue(value: number, unit: ColdStartMetric["unit"]): string {
  if (unit === "ms") return `${value.toFixed(1)} ms`;
  return `${value.toLocaleString("en-US")} B (${(value / 1024).toFixed(1)} KiB)`;
}

/**
 * The metrics as lines: per contender the median, the spread (min–max) and the ratio to the
 * raw SDK (> 1: more than the SDK), then the notes.
 */
export function coldStartLines(metrics: readonly ColdStartMetric[]): string[] {
  const rows = [["metric", "contender", "median", "min–max", "× raw SDK", "runs"]];
  const skips = new Set<string>();
  for (const metric of metrics) {
    const sdk = metric.contenders[LIBRARIES.findIndex((l) => l.name === "sdk")];
    const sdkMedian = sdk?.samples.length ? median(sdk.samples) : Number.NaN;
    for (const contender of metric.contenders) {
      if (contender.samples.length === 0) {
        rows.push([metric.title, contender.label, "skipped", "", "", "0"]);
        skips.add(`${contender.label} skipped: ${contender.skipped ?? "no samples"}`);
        continue;
      }
      const value = median(contender.samples);
      const spread = `${formatValue(Math.min(...contender.samples), metric.unit)}–${formatValue(Math.max(...contender.samples), metric.unit)}`;
      rows.push([
        metric.title,
        contender.label,
        formatValue(value, metric.unit),
        contender.samples.length > 1 ? spread : "",
        Number.isFinite(sdkMedian) ? `${(value / sdkMedian).toFixed(2)}×` : "",
        String(contender.samples.length),
      ]);
    }
  }
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const notes = metrics.map((metric) => `${metric.title}: ${metric.note ?? ""}`);
  return [...rows.map(line), ...skips, "", ...notes];
}

/** What each library loads, traced in one more child each (not timed). */
async function moduleLines(request: FirstRequest): Promise<string[]> {
  const lines: string[] = [];
  for (const library of LIBRARIES.filter((l) => whySkipped(l) === undefined)) {
    const variants = library.name === "minio" ? [false] : [false, true];
    for (const credentialsFromEnvironment of variants) {
      const report = await runColdChild(library, { ...request, credentialsFromEnvironment }, true);
      const credentials = credentialsFromEnvironment ? "from the environment" : "given";
      if (!credentialsFromEnvironment && report.importModules) {
        lines.push(
          ...loadLines(
            `${library.label}: import`,
            summarizeLoads(report.importModules, projectRoot),
          ),
        );
      }
      if (report.requestModules) {
        const heading = `${library.label}: first GET, credentials ${credentials}, loads on top`;
        lines.push(...loadLines(heading, summarizeLoads(report.requestModules, projectRoot)));
      }
    }
  }
  return lines;
}

/** Runs `npm run build` when dist/ lacks the Node or the web build. */
export async function ensureBuilt(log: (line: string) => void, fresh = false): Promise<void> {
  const built = ["index.js", "web/index.js"].every((file) =>
    existsSync(join(projectRoot, "dist", file)),
  );
  if (built && !fresh) return;
  log(fresh ? "npm run build (the cold start measures dist/)" : "dist/ is missing: npm run build");
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn("npm", ["run", "build"], { cwd: projectRoot, stdio: ["ignore", 2, 2] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`npm run build exited with ${code}`)),
    );
  });
}

const SMALL_OBJECT_BYTES = 1024;

/** Alone: MinIO, a bucket holding one 1 KiB object, the measurements, the report; then cleanup. */
async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`· ${line}\n`);
  const runs = Number(process.env.S3KIT_BENCH_RUNS ?? 10);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new Error("S3KIT_BENCH_RUNS must be a whole number ≥ 1");
  const header = [
    "s3kit cold start: fresh node processes, a local MinIO (loopback)",
    ...machineLines(machineInfo()),
    `runs:    ${runs} per contender`,
  ];
  for (const line of header) log(line);
  await ensureBuilt(log);
  const server = await startMinio();
  const connection = {
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  };
  const raw = rawClient(connection);
  try {
    const bucket = await createBenchBucket(raw, "cold");
    try {
      const key = "cold-start/small.bin";
      await raw.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(SMALL_OBJECT_BYTES) }),
      );
      const request = { connection, bucket, key, size: SMALL_OBJECT_BYTES };
      const metrics = await measureColdStart({ runs, request, log });
      log("cold start: tracing what each import and first request loads");
      const modules = await moduleLines(request);
      process.stdout.write(
        `\n${[...header, "", ...coldStartLines(metrics), "", "modules loaded (one traced run each):", ...modules].join("\n")}\n`,
      );
    } finally {
      await removeBenchBucket(raw, bucket);
    }
  } finally {
    raw.destroy();
    await server.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  main().catch((error: unknown) => {
    process.stderr.write(`cold start failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
