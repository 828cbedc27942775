/**
 * `npm run bench`: s3kit against its peers on a local MinIO, measured in one run, contenders
 * interleaved round by round: small requests and presigning against the raw AWS SDK,
 * minio-js, s3mini and Bun's S3Client; download, upload, listing and the memory of a slowly
 * read stream against the raw SDK; a big object's transfers (1 GiB) and many-object batches
 * and trees against s5cmd, boto3, obstore and warp's ceiling (built or installed on first
 * use into .cache, see peers/go-tools.ts and peers/python-env.ts). Prints medians, ranges and ratios, and writes
 * results.json and results.svg (bench/, or .cache/bench-quick/ with --quick). Settings come
 * from S3KIT_BENCH_* (see config.ts); `-- --quick` only proves every case runs. Progress
 * goes to stderr, the report to stdout. Everything it creates (MinIO, its data, buckets, temp
 * files, child processes) is removed at the end, on failure and on Ctrl-C too.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureMinio, MINIO_MODULE } from "../minio.js";
import { bigDownloadCases } from "./cases/big-download.js";
import { bigMemoryCases } from "./cases/big-memory.js";
import { bigUploadCases } from "./cases/big-upload.js";
import { coldCases } from "./cases/cold.js";
import { downloadCase } from "./cases/download.js";
import { listCase } from "./cases/list.js";
import { manyBatchCases } from "./cases/many-batch.js";
import { manyDirCases } from "./cases/many-dirs.js";
import { memoryCase } from "./cases/memory.js";
import { presignCases } from "./cases/presign.js";
import { smallCases } from "./cases/small.js";
import { uploadCase } from "./cases/upload.js";
import { type BenchConfig, type CaseName, readConfig } from "./config.js";
import { type Fixture, withFixture } from "./fixture.js";
import { commandLine, machineInfo, machineLines, resultLines, settingsLine } from "./report.js";
import { type BenchResults, RATIO_MEANING, writeResults } from "./results.js";
import { type BenchCase, type CaseResult, runCase } from "./runner.js";

/** What a case name runs: one comparison or several, made once the fixture is open. */
type CaseFactory = (fixture: Fixture) => BenchCase | BenchCase[] | Promise<BenchCase | BenchCase[]>;

const cases: Record<CaseName, CaseFactory> = {
  small: smallCases,
  presign: presignCases,
  cold: coldCases,
  download: downloadCase,
  upload: uploadCase,
  list: listCase,
  memory: memoryCase,
  "big-download": bigDownloadCases,
  "big-upload": bigUploadCases,
  "big-memory": bigMemoryCases,
  "many-batch": manyBatchCases,
  "many-dirs": manyDirCases,
};

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const log = (line: string) => process.stderr.write(`· ${line}\n`);

/** The MinIO binary in use, with the module it was built from when it is the project's own. */
async function minioDescription(): Promise<string> {
  const path = await ensureMinio();
  return path === join(projectRoot, ".cache", "bin", "minio")
    ? `${MINIO_MODULE} (.cache/bin/minio)`
    : path;
}

/** Runs the configured cases in order against an open fixture. */
async function runAll(config: BenchConfig, fixture: Fixture): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const name of config.cases) {
    const made = await cases[name](fixture);
    for (const benchCase of Array.isArray(made) ? made : [made]) {
      results.push(await runCase(benchCase, config.runs, log));
    }
  }
  return results;
}

async function main(): Promise<void> {
  const config = readConfig();
  const results: BenchResults = {
    format: 1,
    date: new Date().toISOString(),
    command: commandLine(),
    machine: machineInfo(),
    node: process.version,
    minio: await minioDescription(),
    settings: config,
    ratio: RATIO_MEANING,
    cases: [],
  };
  const header = [
    "s3kit benchmark: s3kit vs its peers against a local MinIO (loopback), one run",
    `command: ${results.command}`,
    ...machineLines(results.machine),
    `minio:   ${results.minio}`,
    settingsLine(config),
  ];
  for (const line of header) log(line);

  results.cases = await withFixture(config, log, (fixture) => runAll(config, fixture));
  const written = await writeResults(resolve(projectRoot, config.outDir), results);
  const report = [...header, "", ...resultLines(results.cases), "", `wrote ${written.join(", ")}`];
  process.stdout.write(`\n${report.join("\n")}\n`);
}

// Exit through process.exit on a signal so the "exit" hooks (MinIO, temp dir, children) run.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
