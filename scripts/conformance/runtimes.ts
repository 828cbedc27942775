/**
 * The runtimes of the conformance matrix, each taken from the npm registry as a package and
 * installed once into .cache/runtimes (gitignored): Node majors from `node-<os>-<arch>`, Bun
 * from `@oven/bun-<os>-<arch>`, Deno from `@deno/<os>-<arch>`, the platform packages that the
 * `bun` and `deno` packages themselves install (taken directly: no postinstall script runs).
 * Versions are pinned so a cached install stays valid; bump them here.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Where runtimes are installed; $S3KIT_RUNTIMES_DIR moves it. */
export const runtimesDir =
  process.env.S3KIT_RUNTIMES_DIR ?? join(projectRoot, ".cache", "runtimes");

export const NODE_VERSIONS = { 20: "20.20.2", 22: "22.23.5", 24: "24.22.3" } as const;
export const BUN_VERSION = "1.4.5";
export const DENO_VERSION = "2.9.6";

/** Deno gets exactly these permissions: what a server that only talks to S3 would grant. */
export const DENO_PERMISSIONS = ["--allow-net", "--allow-env", "--allow-read"];

/** A runtime of the matrix: how to install it and how to run an entry file with it. */
export interface Runtime {
  /** The column name in the table, e.g. "node 22". */
  name: string;
  /** The npm package (name@version) holding the runtime. */
  spec: string;
  /** The executable inside the installed package. */
  binary: string;
  /** The arguments that run `entry` (a path relative to the working directory). */
  args(entry: string): string[];
}

function platformParts(): { os: string; arch: string } {
  const os = process.platform;
  const arch = process.arch;
  if ((os !== "linux" && os !== "darwin") || (arch !== "x64" && arch !== "arm64")) {
    throw new Error(`the runtime matrix knows no runtime packages for ${os}-${arch}`);
  }
  return { os, arch };
}

/** The process runtimes (Node majors, Bun, Deno) for this platform. */
export function processRuntimes(): Runtime[] {
  const { os, arch } = platformParts();
  const nodes = Object.entries(NODE_VERSIONS).map(
    ([major, version]): Runtime => ({
      name: `node ${major}`,
      spec: `node-${os}-${arch}@${version}`,
      binary: `node_modules/node-${os}-${arch}/bin/node`,
      args: (entry) => [entry],
    }),
  );
  const bunArch = arch === "arm64" ? "aarch64" : "x64";
  const denoTarget = os === "linux" ? `${os}-${arch}-glibc` : `${os}-${arch}`;
  return [
    ...nodes,
    {
      name: "bun",
      spec: `@oven/bun-${os}-${bunArch}@${BUN_VERSION}`,
      binary: `node_modules/@oven/bun-${os}-${bunArch}/bin/bun`,
      args: (entry) => [entry],
    },
    {
      name: "deno",
      spec: `@deno/${denoTarget}@${DENO_VERSION}`,
      binary: `node_modules/@deno/${denoTarget}/deno`,
      args: (entry) => ["run", ...DENO_PERMISSIONS, "--no-prompt", "--no-lock", entry],
    },
  ];
}

/**
 * Installs the npm package `spec` once into its own folder of the cache and returns that
 * folder. A half-done install never counts: it goes to a temporary folder first, renamed into
 * place when complete, so a crash or a concurrent run at worst repeats the download.
 */
export async function installPackage(spec: string, marker: string): Promise<string> {
  const dir = join(runtimesDir, spec.replace(/[@/]/g, "_"));
  if (existsSync(join(dir, marker))) return dir;
  const temp = `${dir}.partial-${process.pid}-${Date.now()}`;
  await mkdir(temp, { recursive: true });
  try {
    await writeFile(join(temp, "package.json"), '{ "private": true }\n');
    await run(
      "npm",
      ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", spec],
      { cwd: temp, maxBuffer: 16 << 20 },
    );
    if (!existsSync(join(temp, marker))) throw new Error(`${spec} installed no ${marker}`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return dir;
}

/** The runtime's executable, installed if it is not yet in the cache. */
export async function installRuntime(runtime: Runtime): Promise<string> {
  const dir = await installPackage(runtime.spec, runtime.binary);
  return join(dir, runtime.binary);
}
