import { cpus, loadavg, totalmem } from "node:os";
import { bigSettingsText } from "./big-config.js";
import { type BenchConfig, CONFIG_VARIABLES, MiB } from "./config.js";
import {
  type CaseResult,
  type ContenderResult,
  format,
  formatNumber,
  type Unit,
} from "./runner.js";

/** The machine, as far as it matters for reading the numbers. */
export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  platform: string;
  arch: string;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine makes noise. */
  loadAtStart: number[];
}

/** This machine, now. */
export function machineInfo(): MachineInfo {
  const cores = cpus();
  return {
    cores: cores.length,
    cpu: cores[0]?.model.trim() ?? "unknown cpu",
    memoryGiB: Number((totalmem() / 1024 / MiB).toFixed(1)),
    platform: process.platform,
    arch: process.arch,
    loadAtStart: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

/** "2 × Intel …, 7.8 GiB RAM, linux/x64". */
export function machineText(machine: MachineInfo): string {
  return `${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}/${machine.arch}`;
}

/** The machine, Node and load, one line each. */
export function machineLines(machine: MachineInfo): string[] {
  return [
    `machine: ${machineText(machine)}`,
    `node:    ${process.version}`,
    `load:    ${machine.loadAtStart.join(" ")} (1/5/15 min, at start)`,
  ];
}

/** The command that reproduces this run, with the settings and flags that were given explicitly. */
export function commandLine(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv.slice(2),
  script = "npm run bench",
  variables: readonly string[] = CONFIG_VARIABLES,
): string {
  const settings = variables.filter((name) => env[name]).map((name) => `${name}=${env[name]}`);
  const flags = argv.length > 0 ? ["--", ...argv] : [];
  return [...settings, script, ...flags].join(" ");
}

/** The settings in effect, defaults included. */
export function settingsLine(config: BenchConfig): string {
  return `settings: ${config.runs} round${config.runs === 1 ? "" : "s"} (median), ${config.requests} requests and ${config.urls} URLs per small run, object ${config.sizeMiB} MiB, ${config.keys} keys, slow reader ${config.readerMiBps} MiB/s, cases ${config.cases.join(",")}; ${bigSettingsText(config.big)}${config.quick ? " (--quick: proves the cases run, measures nothing)" : ""}`;
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return line ? [...lines, line] : lines;
}

/** Rows as aligned text columns: the first left-aligned, the others right-aligned. */
function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const [header, ...body] = rows;
  return header
    ? [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)]
    : [];
}

/** "1.06×", or "n/a" when there is no ratio. */
export function ratioText(ratio: number | undefined): string {
  return ratio === undefined ? "n/a" : `${ratio.toFixed(2)}×`;
}

/** "1.93 ms (1.90–2.10)": the median and the range of a contender's samples. */
export function medianText(result: ContenderResult, unit: Unit): string {
  if (result.skipped !== undefined || result.median === undefined) return "skipped";
  const median = format(result.median, unit);
  if (result.samples.length < 2) return median;
  return `${median} (${formatNumber(result.min ?? 0)}–${formatNumber(result.max ?? 0)})`;
}

/**
 * Plain words for a ratio: "on par" within 3 %, else which side is ahead and, when it is the
 * peer, how much more time (or memory) s3kit takes.
 */
export function verdict(ratio: number | undefined, unit: Unit): string {
  if (ratio === undefined) return "";
  if (Math.abs(ratio - 1) < 0.03) return "on par";
  // "67% slower" reads well up to twice the time; past that, "3.3× slower" does.
  const behind =
    ratio > 0.5 ? `${((1 / ratio - 1) * 100).toFixed(0)}%` : `${(1 / ratio).toFixed(1)}×`;
  if (unit === "MiB" || unit === "KiB") {
    return ratio > 1 ? "s3kit leaner" : `s3kit uses ${behind} more`;
  }
  return ratio > 1 ? "s3kit faster" : `s3kit ${behind} slower`;
}

/** One row per (case, peer): s3kit's median, the peer's, and the ratio. */
function summaryRows(results: readonly CaseResult[]): string[][] {
  return results.flatMap((r) => {
    const [kit, ...peers] = r.contenders;
    return peers.map((peer, i) => [
      i === 0 ? r.title : "",
      peer.library,
      kit ? medianText(kit, r.unit) : "",
      medianText(peer, r.unit),
      peer.skipped !== undefined ? "" : ratioText(peer.ratio),
      peer.ratioMin === undefined || peer.samples.length < 2
        ? ""
        : `${peer.ratioMin.toFixed(2)}–${peer.ratioMax?.toFixed(2)}`,
      verdict(peer.ratio, r.unit),
      ratioText(peer.cpuRatio).replace("n/a", ""),
    ]);
  });
}

/** Every contender's samples and skip reasons, and each case's note. */
function detailLines(results: readonly CaseResult[]): string[] {
  return results.flatMap((r) => [
    r.title,
    ...r.contenders.map(
      (c) =>
        `  ${`${c.library}: ${c.label}`.padEnd(64)} ${
          c.skipped ?? c.samples.map((s) => format(s.value, r.unit)).join(", ")
        }`,
    ),
    ...wrap(r.note ?? "", 88).map((line, i) => `  ${i === 0 ? "note:" : "     "} ${line}`),
  ]);
}

/**
 * The results: one row per case and peer with s3kit's and the peer's medians (range over the
 * rounds) and the ratio "s3kit vs peer" = how many times as fast s3kit is (peer / s3kit for
 * times and memory, s3kit / peer for rates; ≥ 1.00× means s3kit is as fast or faster), its
 * range over the rounds, and the client CPU ratio the same way; then every sample.
 */
export function resultLines(results: readonly CaseResult[]): string[] {
  const header = [
    "case",
    "peer",
    "s3kit (range)",
    "peer (range)",
    "s3kit vs peer",
    "per round",
    "",
    "client CPU",
  ];
  return [
    ...table([header, ...summaryRows(results)]),
    "s3kit vs peer: peer median / s3kit median (s3kit / peer for rates). ≥ 1.00× means s3kit is",
    "as fast (or as lean) as the peer or better. Client CPU: the same ratio of the CPU time the",
    "client spent in the measured part (the Bun peer's is its child's), steadier on a busy machine.",
    "",
    "contenders and samples (in round order):",
    ...detailLines(results),
  ];
}
