import { existsSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runProgram } from "./program.js";

/** A Go command-line tool the benchmark builds from its module at a pinned version. */
export interface GoTool {
  name: string;
  module: string;
  version: string;
  /**
   * Requirements raised above what the tool's go.mod names (`path@version`), for modules the
   * Go module proxy reachable here does not serve at the pinned version.
   */
  raise?: string[];
  /** The package to build, relative to the module's root (default "."). */
  pkg?: string;
}

/** s5cmd, the parallel S3 command-line client. */
export const S5CMD: GoTool = {
  name: "s5cmd",
  module: "github.com/peak/s5cmd/v2",
  version: "v2.3.0",
};

/**
 * MinIO's own benchmark tool. The proxy here lists no version of it and serves v1.5.0 and
 * v1.6.1; v1.6.1 needs a minio-go pseudo-version it refuses, v1.5.0 madmin-go/v4 v4.6.7,
 * which it refuses too, while v4.10.0 (same major version) is served and builds.
 */
export const WARP: GoTool = {
  name: "warp",
  module: "github.com/minio/warp",
  version: "v1.5.0",
  raise: ["github.com/minio/madmin-go/v4@v4.10.0"],
};

/** A tool ready to run, or why it cannot. */
export type Installed = { path: string; label: string } | { skipped: string };

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const cacheBin = join(projectRoot, ".cache", "bin");

/** The module cache's copy is read-only; the build edits go.mod and go.sum, and rm needs write bits. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

/**
 * Builds `tool` into `output`: its module source as the Go module proxy serves it (go.sum
 * included, so the checksums are the tool's own), requirements raised as the tool says,
 * then `go build`. `go install module@version` is no way here: it asks the proxy for the
 * module's version list, which this proxy refuses.
 * @throws Error with go's output when a step fails.
 */
async function build(tool: GoTool, output: string): Promise<void> {
  const env = { CGO_ENABLED: "0", GOFLAGS: "-mod=mod" };
  // warp took 11 minutes to build on a busy 2-core machine; far above a transfer's bound.
  const timeoutMs = 60 * 60_000;
  const download = await runProgram({
    command: "go",
    args: ["mod", "download", "-json", `${tool.module}@${tool.version}`],
    env,
    timeoutMs,
  });
  const info = JSON.parse(download.stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(info.Error ?? "go mod download named no directory");
  const work = await mkdtemp(join(tmpdir(), `s3kit-bench-${tool.name}-`));
  try {
    const source = join(work, "src");
    await cp(info.Dir, source, { recursive: true });
    await makeWritable(source);
    for (const requirement of tool.raise ?? []) {
      await runProgram({
        command: "go",
        args: ["mod", "edit", `-require=${requirement}`],
        cwd: source,
        env,
      });
    }
    const partial = `${output}.partial`;
    await runProgram({
      command: "go",
      args: ["build", "-trimpath", "-ldflags=-s -w", "-o", partial, tool.pkg ?? "."],
      cwd: source,
      env,
      timeoutMs,
    });
    await rename(partial, output);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The tool's binary: $S3KIT_BENCH_<NAME>_BIN when set, else .cache/bin/<name>-<version>,
 * built there once. Never throws: a tool that cannot be had is skipped with the reason.
 */
export async function ensureGoTool(tool: GoTool, log: (line: string) => void): Promise<Installed> {
  const label = `${tool.name} ${tool.version}`;
  const fromEnv = process.env[`S3KIT_BENCH_${tool.name.toUpperCase()}_BIN`];
  if (fromEnv) return { path: fromEnv, label: `${tool.name} (${fromEnv})` };
  const path = join(cacheBin, `${tool.name}-${tool.version}`);
  if (existsSync(path)) return { path, label };
  try {
    await mkdir(cacheBin, { recursive: true });
    log(`building ${label} once with go build into ${cacheBin} (a few minutes)`);
    await build(tool, path);
    return { path, label };
  } catch (error) {
    const reason = (error as Error).message.split("\n").slice(-4).join(" ").slice(0, 400);
    return { skipped: `could not build ${label}: ${reason}` };
  }
}
