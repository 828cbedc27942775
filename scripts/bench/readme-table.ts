/**
 * The README's Performance table, from a results.json of `npm run bench`:
 *   npx tsx scripts/bench/readme-table.ts [results.json]           prints it (markdown)
 *   npx tsx scripts/bench/readme-table.ts [results.json] --write   puts it into README.md,
 *     between the `<!-- bench:start -->` and `<!-- bench:end -->` markers
 * The file defaults to bench/results.json.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineText, medianText, ratioText, verdict } from "./report.js";
import { type BenchResults, readResults } from "./results.js";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** One row per case and peer; rows where s3kit is short of the peer say so in bold. */
export function markdownTable(results: BenchResults): string[] {
  const { settings } = results;
  const lines = [
    `Measured ${results.date.slice(0, 10)} with \`${results.command}\` on ${machineText(results.machine)}, Node ${results.node}, MinIO on loopback (load at start ${results.machine.loadAtStart.join(" / ")}): ${settings.runs} round${settings.runs === 1 ? "" : "s"}, contenders interleaved round-robin; median (min–max over the rounds). **s3kit vs peer** = peer median ÷ s3kit median (s3kit ÷ peer for rates): ≥ 1.00× means s3kit is as fast as the peer (for memory, as lean) or better. Every row is in \`bench/results.json\`, with each sample, and drawn in \`bench/results.svg\`.`,
    "",
    "| case | peer | s3kit | peer | s3kit vs peer |",
    "|---|---|---|---|---|",
  ];
  for (const result of results.cases) {
    const [kit, ...peers] = result.contenders;
    peers.forEach((peer, i) => {
      const ratio = ratioText(peer.ratio);
      const short = peer.ratio !== undefined && peer.ratio < 1;
      const shown = short ? `**${ratio} (${verdict(peer.ratio, result.unit)})**` : ratio;
      const row = [
        i === 0 ? result.title : "",
        peer.library,
        i === 0 && kit ? medianText(kit, result.unit) : "",
        peer.skipped !== undefined ? `skipped: ${peer.skipped}` : medianText(peer, result.unit),
        peer.skipped !== undefined ? "–" : shown,
      ];
      lines.push(`| ${row.map(cell).join(" | ")} |`);
    });
  }
  return lines;
}

/**
 * Replaces what is between the markers in `readme` with `table`.
 * @throws Error when the markers are missing or out of order.
 */
export function spliceTable(readme: string, table: readonly string[]): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${table.join("\n")}\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const write = args.includes("--write");
  const given = args.find((arg) => arg !== "--write");
  const path = given ? resolve(given) : resolve(projectRoot, "bench", "results.json");
  const table = markdownTable(await readResults(path));
  if (!write) {
    process.stdout.write(`${table.join("\n")}\n`);
    return;
  }
  const readmePath = resolve(projectRoot, "README.md");
  await writeFile(readmePath, spliceTable(await readFile(readmePath, "utf8"), table));
  process.stderr.write(`wrote the table from ${path} into ${readmePath}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.message ?? String(error)}\n`);
  process.exitCode = 1;
});
