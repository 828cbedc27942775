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

export const NODE_VERSIONS = { "20": "20.20.2", "22": "22.23.5", "24": "24.22.3" } as const;
type NodeMajor = keyof typeof NODE_VERSIONS;
export const BUN_VERSION = "1.4.5";
export const DENO_VERSION = "2.9.6";

/** Deno gets exactly these permissions: what a server that only talks to S3 would grant. */
export const DENO_PERMISSIONS = ["--allow-net", "--allow-env", "--allow-read"];

/** An npm package a runtime needs, and the file whose presence proves it installed. */
export interface RuntimePackage {
  /** name@version */
  spec: string;
  /** A path inside the install folder, e.g. the executable. */
  marker: string;
}

/** A runtime of the matrix: what to install and the command that runs the checks with it. */
export interface Runtime {
  /** The column name in the table, e.g. "node 22". */
  name: string;
  packages: RuntimePackage[];
  /**
   * The command (executable first) that runs the conformance entries in `consumer`, given the
   * install folder of each package. It may prepare files (a bundle) and throw when it cannot.
   */
  command(consumer: string, dirs: string[]): Promise<string[]>;
  /**
   * What the matrix last showed failing here, so that a change either way is seen: for a
   * runtime that cannot start the checks at all, words of its error (`start`); else each
   * failing check with words of its failure. Nothing expected: every check passes.
   */
  expected?: { start: string } | { checks: Record<string, string> };
  /**
   * False where s3kit's file-system features cannot work (workerd: the package's web build),
   * which adds the check that they fail with a ValidationError.
   * @default true
   */
  fileSystem?: boolean;
}

function platformParts(): { os: string; arch: string } {
  const os = process.platform;
  const arch = process.arch;
  if ((os !== "linux" && os !== "darwin") || (arch !== "x64" && arch !== "arm64")) {
    throw new Error(`the runtime matrix knows no runtime packages for ${os}-${arch}`);
  }
  return { os, arch };
}

/** The package of Node `major` for this platform. */
export function nodePackage(major: NodeMajor): RuntimePackage {
  const { os, arch } = platformParts();
  return {
    spec: `node-${os}-${arch}@${NODE_VERSIONS[major]}`,
    marker: `node_modules/node-${os}-${arch}/bin/node`,
  };
}

/** A runtime that is one executable, run on main.mjs with `args`. */
function processRuntime(name: string, pkg: RuntimePackage, args: string[]): Runtime {
  return {
    name,
    packages: [pkg],
    command: async (_consumer, [dir = ""]) => [join(dir, pkg.marker), ...args, "main.mjs"],
  };
}

/** The process runtimes (Node majors, Bun, Deno) for this platform. */
export function processRuntimes(): Runtime[] {
  const { os, arch } = platformParts();
  const majors = Object.keys(NODE_VERSIONS) as NodeMajor[];
  const nodes = majors.map((major) => processRuntime(`node ${major}`, nodePackage(major), []));
  const bunArch = arch === "arm64" ? "aarch64" : "x64";
  const denoTarget = os === "linux" ? `${os}-${arch}-glibc` : `${os}-${arch}`;
  const bun = {
    spec: `@oven/bun-${os}-${bunArch}@${BUN_VERSION}`,
    marker: `node_modules/@oven/bun-${os}-${bunArch}/bin/bun`,
  };
  const deno = {
    spec: `@deno/${denoTarget}@${DENO_VERSION}`,
    marker: `node_modules/@deno/${denoTarget}/deno`,
  };
  const denoArgs = ["run", ...DENO_PERMISSIONS, "--no-prompt", "--no-lock"];
  return [...nodes, processRuntime("bun", bun, []), processRuntime("deno", deno, denoArgs)];
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

/** Installs what the runtime needs (when not yet in the cache); returns each package's folder. */
export async function installRuntime(runtime: Runtime): Promise<string[]> {
  const dirs: string[] = [];
  for (const pkg of runtime.packages) dirs.push(await installPackage(pkg.spec, pkg.marker));
  return dirs;
}
