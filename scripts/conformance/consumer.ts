/**
 * What a user gets: `npm pack` of this checkout installed into an empty project. Shared by
 * the package test and the runtime matrix.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./runtimes.js";

const run = promisify(execFile);

/** A lock older than this was left by a crashed run. */
const STALE_LOCK_MS = 10 * 60_000;

/**
 * Runs `task` while holding .cache/pack.lock: `npm pack` rebuilds dist/ in place, so two packs
 * at once (the package test and the runtime matrix run side by side) could ship a half build.
 */
async function whileLocked<T>(task: () => Promise<T>): Promise<T> {
  const lock = join(projectRoot, ".cache", "pack.lock");
  await mkdir(join(projectRoot, ".cache"), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const since = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Packs the project into `work` (the prepack script builds it) and installs the tarball, plus
 * `extra` packages, into `work/consumer`, an empty project. Returns the consumer's folder.
 */
export async function installPacked(work: string, extra: string[] = []): Promise<string> {
  await whileLocked(() => run("npm", ["pack", "--pack-destination", work], { cwd: projectRoot }));
  const tarball = (await readdir(work)).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack made no tarball");
  const project = join(work, "consumer");
  await mkdir(project, { recursive: true });
  await writeFile(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball), ...extra],
    { cwd: project, maxBuffer: 16 << 20 },
  );
  return project;
}
