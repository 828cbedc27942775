/**
 * What a user gets: `npm pack` of this checkout installed into an empty project. Shared by
 * the package test and the runtime matrix.
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "./runtimes.js";

const run = promisify(execFile);

/** A lock older than this was left by a crashed run, whatever its process id says. */
const STALE_LOCK_MS = 10 * 60_000;

/** Whether the lock's holder is gone: its process ended, or it has held the lock too long. */
async function abandoned(lock: string): Promise<boolean> {
  const holder = await readFile(lock, "utf8").catch(() => "");
  const age = await stat(lock).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
  if (age > STALE_LOCK_MS) return true;
  const pid = Number(holder);
  if (!Number.isInteger(pid) || pid <= 0) return false; // being written
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Runs `task` while holding .cache/pack.lock: `npm pack` rebuilds dist/ in place, so two packs
 * at once (the package test and the runtime matrix run side by side) could ship a half build.
 * The lock file holds its owner's process id, so a lock left by a killed run is taken over.
 */
async function whileLocked<T>(task: () => Promise<T>): Promise<T> {
  const lock = join(projectRoot, ".cache", "pack.lock");
  await mkdir(join(projectRoot, ".cache"), { recursive: true });
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await abandoned(lock)) await rm(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { force: true });
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
