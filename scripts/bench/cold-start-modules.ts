/**
 * What a cold start loads, from a traced child's record: how many files of which packages,
 * and who imports the file system (node:fs, node:fs/promises), s3kit's own build or its
 * dependencies. Read by cold-start.ts to print next to the timings.
 */
import { fileURLToPath } from "node:url";
import type { TracedLoads } from "./cold-start-run.js";

const FILE_SYSTEM = new Set(["fs", "node:fs", "fs/promises", "node:fs/promises"]);

/** The name s3kit's own files are reported under. */
export const OWN = "s3kit";

/**
 * The package of a loaded file, with the folder below dist for packages built in submodules
 * (e.g. "@smithy/core/serde"); OWN for this package's own build.
 */
export function packageOf(file: string, projectRoot: string): string {
  const path = file.startsWith("file:") ? fileURLToPath(file) : file;
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/dist-\w+\/submodules\/([^/]+))?/.exec(path);
  if (match) return match[2] ? `${match[1]}/${match[2]}` : (match[1] ?? path);
  return path.startsWith(projectRoot) ? OWN : path;
}

/** What one phase of a cold start loaded. */
export interface LoadSummary {
  /** JavaScript files executed (ES modules and CommonJS). */
  files: number;
  /** Their packages, most files first. */
  packages: Array<[string, number]>;
  /** The packages (OWN included) whose files import node:fs or node:fs/promises. */
  fileSystemBy: string[];
}

/** Summarises one traced phase; `projectRoot` tells s3kit's own files from its packages'. */
export function summarizeLoads(traced: TracedLoads, projectRoot: string): LoadSummary {
  const esm = traced.loads.flatMap((load) => (load.url?.startsWith("file:") ? [load.url] : []));
  const files = [...new Set([...esm, ...traced.files])];
  const packages = new Map<string, number>();
  for (const file of files) {
    const name = packageOf(file, projectRoot);
    packages.set(name, (packages.get(name) ?? 0) + 1);
  }
  const fileSystemBy = new Set(
    traced.loads
      .filter((load) => FILE_SYSTEM.has(load.request))
      .map((load) => packageOf(load.from, projectRoot)),
  );
  return {
    files: files.length,
    packages: [...packages].sort((a, b) => b[1] - a[1]),
    fileSystemBy: [...fileSystemBy].sort(),
  };
}

/** One summary as report lines, indented under its heading. */
export function loadLines(heading: string, summary: LoadSummary): string[] {
  const packages = summary.packages.map(([name, count]) => `${name} ${count}`).join(", ");
  const fileSystem = summary.fileSystemBy.length ? summary.fileSystemBy.join(", ") : "nothing";
  const own = summary.fileSystemBy.includes(OWN) ? "yes" : "no";
  return [
    `${heading}: ${summary.files} files (${packages || "none"})`,
    `    node:fs imported by: ${fileSystem} (by s3kit's own code: ${own})`,
  ];
}
