import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Installed } from "./go-tools.js";
import { runProgram } from "./program.js";

/** The Python peers and the versions the benchmark installs (pip, from PyPI). */
export const PYTHON_PACKAGES = { boto3: "1.44.5", obstore: "0.12.1" } as const;

/** One of the Python peers. */
export type PythonPeer = keyof typeof PYTHON_PACKAGES;

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const venv = join(projectRoot, ".cache", "bench-venv");
const python = join(venv, "bin", "python");
/** Written once pip has installed the pins; another pin set means a fresh venv. */
const marker = join(venv, "s3kit-bench-pins.json");

function lastLines(error: unknown): string {
  return (error as Error).message.split("\n").slice(-3).join(" ").slice(0, 300);
}

/** Makes the venv and installs the pins, each package on its own so one failing spares the other. */
async function install(log: (line: string) => void): Promise<Map<PythonPeer, string>> {
  const failures = new Map<PythonPeer, string>();
  const pins = JSON.stringify(PYTHON_PACKAGES);
  if (existsSync(marker) && (await readFile(marker, "utf8")) === pins) return failures;
  await rm(venv, { recursive: true, force: true });
  log(`making a Python venv with ${Object.keys(PYTHON_PACKAGES).join(" and ")} in ${venv}`);
  const base = process.env.S3KIT_BENCH_PYTHON ?? "python3";
  await runProgram({ command: base, args: ["-m", "venv", venv] });
  for (const [name, version] of Object.entries(PYTHON_PACKAGES) as [PythonPeer, string][]) {
    try {
      await runProgram({
        command: python,
        args: [
          "-m",
          "pip",
          "install",
          "--quiet",
          "--disable-pip-version-check",
          `${name}==${version}`,
        ],
      });
    } catch (error) {
      failures.set(name, `pip could not install ${name}==${version}: ${lastLines(error)}`);
    }
  }
  if (failures.size === 0) await writeFile(marker, pins);
  return failures;
}

/**
 * The venv's Python for each Python peer (the venv made and filled on first use), or why that
 * peer cannot run. Never throws.
 */
export async function ensurePython(
  log: (line: string) => void,
): Promise<Record<PythonPeer, Installed>> {
  const names = Object.keys(PYTHON_PACKAGES) as PythonPeer[];
  let failures: Map<PythonPeer, string>;
  try {
    failures = await install(log);
  } catch (error) {
    const reason = `no Python venv: ${lastLines(error)}`;
    return Object.fromEntries(names.map((name) => [name, { skipped: reason }])) as Record<
      PythonPeer,
      Installed
    >;
  }
  const entries = await Promise.all(
    names.map(async (name): Promise<[PythonPeer, Installed]> => {
      const failed = failures.get(name);
      if (failed) return [name, { skipped: failed }];
      try {
        await runProgram({ command: python, args: ["-c", `import ${name}`] });
        return [name, { path: python, label: `${name} ${PYTHON_PACKAGES[name]} (Python)` }];
      } catch (error) {
        return [name, { skipped: `import ${name} failed: ${lastLines(error)}` }];
      }
    }),
  );
  return Object.fromEntries(entries) as Record<PythonPeer, Installed>;
}
