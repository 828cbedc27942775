import { cpus, loadavg, totalmem } from "node:os";
import { type BenchConfig, CONFIG_VARIABLES, MiB } from "./config.js";
import { type CaseResult, format, type Sample, type Unit } from "./runner.js";

/** The machine, as far as it matters for reading the numbers. */
export function machineLines(): string[] {
  const cores = cpus();
  return [
    `machine: ${cores.length} × ${cores[0]?.model.trim() ?? "unknown cpu"}, ${(totalmem() / 1024 / MiB).toFixed(1)} GiB RAM, ${process.platform}/${process.arch}`,
    `node:    ${process.version}`,
    `load:    ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (1/5/15 min, at start)`,
  ];
}

/** The command that reproduces this run, with the settings that were given explicitly. */
export function commandLine(env: NodeJS.ProcessEnv = process.env): string {
  const settings = CONFIG_VARIABLES.filter((name) => env[name]).map(
    (name) => `${name}=${env[name]}`,
  );
  return [...settings, "npm run bench"].join(" ");
}

/** The settings in effect, defaults included. */
export function settingsLine(config: BenchConfig): string {
  return `settings: object ${config.sizeMiB} MiB, ${config.keys} keys, ${config.runs} measured runs per contender (median), slow reader ${config.readerMiBps} MiB/s, cases ${config.cases.join(",")}`;
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

function verdict(result: CaseResult): string {
  if (!Number.isFinite(result.ratio)) return "n/a";
  const percent = Math.abs(result.ratio - 1) * 100;
  if (percent < 3) return "on par";
  const better = result.ratio < 1;
  if (result.unit === "MiB") return `s3kit uses ${percent.toFixed(0)}% ${better ? "less" : "more"}`;
  return `s3kit ${percent.toFixed(0)}% ${better ? "faster" : "slower"}`;
}

function table(rows: string[][]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  const [header, ...body] = rows;
  return header
    ? [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)]
    : [];
}

/**
 * The results as a table (ratio = s3kit / peer, < 1 means s3kit is better; the client CPU
 * ratio compares the CPU this process spent, s3kit / peer) plus every sample.
 */
export function resultLines(results: readonly CaseResult[]): string[] {
  const rows = [
    ["case", "s3kit (median)", "peer (median)", "ratio s3kit/peer", "", "client CPU ratio"],
    ...results.map((r) => [
      r.title,
      format(r.s3kitMedian, r.unit),
      format(r.peerMedian, r.unit),
      Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : "n/a",
      verdict(r),
      Number.isFinite(r.cpuRatio) ? `${r.cpuRatio.toFixed(2)}×` : "",
    ]),
  ];
  const samples = (list: readonly Sample[], unit: Unit) =>
    list
      .map(
        (s) =>
          format(s.value, unit) + (s.cpuMs === undefined ? "" : ` (CPU ${s.cpuMs.toFixed(0)} ms)`),
      )
      .join(", ");
  const details = results.flatMap((r) => [
    `${r.title}`,
    `  s3kit: ${r.s3kitLabel.padEnd(22)} ${samples(r.s3kitSamples, r.unit)}`,
    `  peer:  ${r.peerLabel.padEnd(22)} ${samples(r.peerSamples, r.unit)}`,
    ...wrap(r.note ?? "", 88).map((line, i) => `  ${i === 0 ? "note: " : "      "} ${line}`),
  ]);
  return [
    ...table(rows),
    "ratio < 1: s3kit is faster (or uses less memory). Client CPU: CPU time of the benchmark",
    "process during the measured part, steadier than wall time on a busy machine.",
    "",
    "contenders and samples (in run order):",
    ...details,
  ];
}
