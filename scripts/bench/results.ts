import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BenchConfig } from "./config.js";
import type { MachineInfo } from "./report.js";
import type { CaseResult } from "./runner.js";
import { chartSvg } from "./svg.js";

/** What `npm run bench` writes to results.json: everything needed to read and redo the run. */
export interface BenchResults {
  /** The format of this file. */
  format: 1;
  /** When the run started (ISO 8601). */
  date: string;
  /** The command that reproduces it. */
  command: string;
  machine: MachineInfo;
  node: string;
  /** The MinIO the run used: the module the project builds it from, or the binary given. */
  minio: string;
  settings: BenchConfig;
  /** How to read `ratio`. */
  ratio: string;
  cases: CaseResult[];
}

/** The sentence results.json carries about its ratios. */
export const RATIO_MEANING =
  "s3kit vs peer: peer median / s3kit median for times and memory, s3kit / peer for rates; ≥ 1 means s3kit is as fast (or as lean) as the peer or better";

/**
 * Writes results.json and results.svg into `dir` (made when missing); returns their paths.
 * @throws the fs error when a file cannot be written.
 */
export async function writeResults(dir: string, results: BenchResults): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, "results.json");
  const svg = join(dir, "results.svg");
  // Six significant digits are more than any measurement here holds.
  const rounded = (_: string, value: unknown) =>
    typeof value === "number" && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
  await writeFile(json, `${JSON.stringify(results, rounded, 2)}\n`);
  await writeFile(svg, chartSvg(results));
  return [json, svg];
}

/**
 * Reads a results.json.
 * @throws Error when the file is missing, not JSON, or of another format.
 */
export async function readResults(path: string): Promise<BenchResults> {
  const results = JSON.parse(await readFile(path, "utf8")) as BenchResults;
  if (results.format !== 1) throw new Error(`${path}: not a results.json of format 1`);
  return results;
}
