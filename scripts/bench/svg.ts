import type { BenchResults } from "./results.js";

const WIDTH = 960;
const LABEL = 360;
const RIGHT = 70;
const ROW = 18;
const TITLE =
  "s3kit vs peer: how many times as fast s3kit is (≥ 1×, green: s3kit as fast or faster)";
/** The chart's ratio axis is logarithmic, from 1/8× to 8×; bars past it are clipped. */
const LIMIT = 3;

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot" }[c]};`,
  );
}

/** x of a ratio on the log₂ axis. */
function xOf(ratio: number): number {
  const clipped = Math.max(-LIMIT, Math.min(LIMIT, Math.log2(ratio)));
  return LABEL + ((clipped + LIMIT) / (2 * LIMIT)) * (WIDTH - LABEL - RIGHT);
}

function text(x: number, y: number, content: string, attributes = ""): string {
  const more = attributes ? ` ${attributes}` : "";
  return `<text x="${x.toFixed(1)}" y="${y}"${more}>${escapeXml(content)}</text>`;
}

/** One bar per case and peer: green when s3kit is as fast or faster (≥ 1×), red when not. */
function bars(results: BenchResults, top: number): { body: string[]; bottom: number } {
  const body: string[] = [];
  let y = top;
  for (const result of results.cases) {
    y += ROW;
    body.push(text(8, y, result.title, 'font-weight="bold"'));
    for (const peer of result.contenders.slice(1)) {
      y += ROW;
      body.push(text(20, y, peer.library));
      if (peer.ratio === undefined) {
        body.push(text(xOf(1) + 6, y, peer.skipped ? "skipped" : "n/a", 'fill="#777"'));
        continue;
      }
      const [from, to] = [xOf(1), xOf(peer.ratio)].sort((a, b) => a - b) as [number, number];
      const color = peer.ratio >= 1 ? "#2e7d32" : "#c62828";
      body.push(
        `<rect x="${from.toFixed(1)}" y="${y - 12}" width="${Math.max(1, to - from).toFixed(1)}" height="13" fill="${color}"/>`,
        text(Math.max(to, xOf(1)) + 4, y, `${peer.ratio.toFixed(2)}×`),
      );
    }
  }
  return { body, bottom: y };
}

/**
 * A bar chart of every case's ratios (s3kit vs each peer, log scale, 1× marked), with the
 * machine and date: plain SVG, no chart library.
 */
export function chartSvg(results: BenchResults): string {
  const top = 56;
  const { body, bottom } = bars(results, top);
  const height = bottom + 40;
  const ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8].flatMap((tick) => [
    `<line x1="${xOf(tick).toFixed(1)}" y1="${top}" x2="${xOf(tick).toFixed(1)}" y2="${bottom + 6}" stroke="${tick === 1 ? "#000" : "#ddd"}"/>`,
    text(xOf(tick), bottom + 22, `${tick}×`, 'text-anchor="middle"'),
  ]);
  const machine = results.machine;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(TITLE)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    text(8, 20, TITLE, 'font-size="14" font-weight="bold"'),
    text(
      8,
      40,
      `${results.date.slice(0, 10)} · ${machine.cores} × ${machine.cpu} · Node ${results.node} · ${results.command}`,
      'fill="#555"',
    ),
    ...ticks,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
