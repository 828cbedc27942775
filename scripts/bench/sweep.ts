/**
 * `npm run bench:sweep`: s3kit's big upload and download at a grid of part sizes and
 * concurrencies against a local MinIO, every grid point one contender of one case, so they
 * run interleaved round by round like the benchmark's peers; prints MiB/s medians as one
 * grid per operation, each point's ratio to s3kit's defaults, and the best point. The data
 * for choosing the defaults. Settings: S3KIT_BENCH_BIG_MIB (default 512),
 * S3KIT_BENCH_SWEEP_PARTS (MiB, default 5,8,16,32,64), S3KIT_BENCH_SWEEP_CONCURRENCY
 * (default 2,4,8,16), S3KIT_BENCH_SWEEP_OPS (default upload-file,upload-stream,download),
 * S3KIT_BENCH_RUNS (rounds, default 3).
 */
import { createReadStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { type BigObject, bigObject, fileDownloader, uploader } from "./big-object.js";
import { CONFIG_VARIABLES, MiB, readConfig } from "./config.js";
import { withFixture } from "./fixture.js";
import { commandLine, machineInfo, machineLines } from "./report.js";
import { type BenchCase, type CaseResult, type Contender, runCase } from "./runner.js";
import { timed } from "./stats.js";

const OPS = ["upload-file", "upload-stream", "download"] as const;

/** Where the grids are kept, with the command and the machine, to be cited and re-run. */
const SWEEP_FILE = "bench/sweep.md";

/** The sweep's own settings, beside the benchmark's (CONFIG_VARIABLES). */
const SWEEP_VARIABLES = [
  "S3KIT_BENCH_SWEEP_PARTS",
  "S3KIT_BENCH_SWEEP_CONCURRENCY",
  "S3KIT_BENCH_SWEEP_OPS",
];
type Op = (typeof OPS)[number];

const log = (line: string) => process.stderr.write(`· ${line}\n`);

function numbers(name: string, fallback: string): number[] {
  const list = (process.env[name] ?? fallback).split(",").map((value) => Number(value.trim()));
  if (list.some((value) => !Number.isSafeInteger(value) || value < 1)) {
    throw new Error(`${name} must list whole numbers ≥ 1, got ${process.env[name]}`);
  }
  return list;
}

function opList(): Op[] {
  const raw = process.env.S3KIT_BENCH_SWEEP_OPS ?? OPS.join(",");
  const ops = raw.split(",").map((op) => op.trim());
  const unknown = ops.find((op) => !(OPS as readonly string[]).includes(op));
  if (unknown)
    throw new Error(`S3KIT_BENCH_SWEEP_OPS: unknown ${unknown} (known: ${OPS.join(", ")})`);
  return ops as Op[];
}

/** One grid point of `op`: s3kit with explicit options, or with its defaults (`options` empty). */
function point(big: BigObject, op: Op, label: string, options: object): Contender {
  const bucket = big.scope;
  if (op === "download") {
    return fileDownloader(big, label, label, (path) =>
      timed(() => bucket.download(big.key, path, options)),
    );
  }
  const source = () => (op === "upload-file" ? big.source.path : createReadStream(big.source.path));
  return uploader(big, label, label, (key) => timed(() => bucket.upload(source(), key, options)));
}

function sweepCase(big: BigObject, op: Op, parts: number[], concurrencies: number[]): BenchCase {
  const grid = parts.flatMap((part) =>
    concurrencies.map((concurrency) =>
      point(big, op, `${part} MiB × ${concurrency}`, { partSize: part * MiB, concurrency }),
    ),
  );
  return {
    title: `${op} ${big.config.bigMiB} MiB`,
    unit: "MiB/s",
    warmUp: true,
    contenders: [point(big, op, "defaults", {}), ...grid],
  };
}

/** One operation's medians as a grid: part sizes down, concurrencies across. */
function gridLines(result: CaseResult, parts: number[], concurrencies: number[]): string[] {
  const cell = (label: string) => {
    const found = result.contenders.find((contender) => contender.label === label);
    return found?.median === undefined
      ? "–"
      : `${found.median.toFixed(0)} (${(1 / (found.ratio ?? Number.NaN)).toFixed(2)})`;
  };
  const defaults = result.contenders[0];
  const best = [...result.contenders].sort((a, b) => (b.median ?? 0) - (a.median ?? 0))[0];
  const head = ["part \\ concurrency", ...concurrencies.map(String)];
  const rows = parts.map((part) => [
    `${part} MiB`,
    ...concurrencies.map((c) => cell(`${part} MiB × ${c}`)),
  ]);
  return [
    `${result.title}: median MiB/s (× s3kit's defaults); defaults ${defaults?.median?.toFixed(0)} MiB/s, best ${best?.label} ${best?.median?.toFixed(0)} MiB/s`,
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
  ];
}

async function main(): Promise<void> {
  const variables = [...CONFIG_VARIABLES, ...SWEEP_VARIABLES];
  const command = commandLine(process.env, [], "npm run bench:sweep", variables);
  process.env.S3KIT_BENCH_BIG_MIB ??= "512";
  const config = { ...readConfig(process.env, []), sizeMiB: 1, keys: 1 };
  const parts = numbers("S3KIT_BENCH_SWEEP_PARTS", "5,8,16,32,64");
  const concurrencies = numbers("S3KIT_BENCH_SWEEP_CONCURRENCY", "2,4,8,16");
  const ops = opList();
  const machine = machineLines(machineInfo());
  for (const line of machine) log(line);
  const lines = await withFixture(config, log, async (fixture) => {
    const big = await bigObject(fixture);
    const grids: string[] = [];
    for (const op of ops) {
      const result = await runCase(sweepCase(big, op, parts, concurrencies), config.runs, log);
      grids.push(...gridLines(result, parts, concurrencies));
    }
    return grids;
  });
  process.stdout.write(`\n${lines.join("\n")}\n`);
  const header = [`Measured ${new Date().toISOString()} with \`${command}\``, "", ...machine];
  await mkdir("bench", { recursive: true });
  await writeFile(SWEEP_FILE, `${header.join("  \n")}\n\n${lines.join("\n")}\n`);
  log(`grids written to ${SWEEP_FILE}`);
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

main().catch((error: unknown) => {
  process.stderr.write(`sweep failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
