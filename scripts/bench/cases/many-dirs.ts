import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seedKeys } from "../buckets.js";
import type { Fixture } from "../fixture.js";
import {
  clearPrefix,
  expectCount,
  type Many,
  manyOf,
  manyOptions,
  objectsContender,
} from "../many-objects.js";
import { type ExternalPeers, externalPeers, peerContender, runS5cmd } from "../peers/external.js";
import type { BenchCase } from "../runner.js";
import { timed } from "../stats.js";

/** The local tree uploadDir reads: `count` files of random bytes, written once. */
async function writeTree(many: Many): Promise<string> {
  const dir = join(many.dir, "tree");
  await mkdir(dir, { recursive: true });
  const size = many.config.dirFileKiB * 1024;
  for (let i = 0; i < many.config.dirFiles; i++) {
    await writeFile(join(dir, `f${i}.bin`), randomBytes(size));
  }
  return dir;
}

/**
 * Checks that `dir` holds exactly the tree's files at their size.
 * @throws Error naming the first difference.
 */
async function expectTree(many: Many, what: string, dir: string): Promise<void> {
  const names = await readdir(dir);
  if (names.length !== many.config.dirFiles) {
    throw new Error(`${what}: ${names.length} files in ${dir}, expected ${many.config.dirFiles}`);
  }
  const size = many.config.dirFileKiB * 1024;
  for (const name of names) {
    const found = (await stat(join(dir, name))).size;
    if (found !== size) throw new Error(`${what}: ${name} holds ${found} bytes, expected ${size}`);
  }
}

function uploadDirCase(
  fixture: Fixture,
  many: Many,
  peers: ExternalPeers,
  tree: string,
): BenchCase {
  const count = many.config.dirFiles;
  const steps = {
    prepare: async (tag: string) => `tree-up/${tag}/`,
    check: (prefix: string) => expectCount(many, "uploadDir", prefix, count),
    cleanup: (prefix: string) => clearPrefix(many, prefix),
  };
  return {
    title: `uploadDir ${count} × ${many.config.dirFileKiB} KiB`,
    unit: "objects/s",
    warmUp: true,
    note: "s3kit uploadDir() walks the tree and uploads 8 files at once (its default, or S3KIT_BENCH_CONCURRENCY); s5cmd cp of 'dir/*' with up to 256 workers, timed around the command.",
    contenders: [
      objectsContender("prefix.uploadDir(dir)", "s3kit", count, {
        ...steps,
        act: (prefix) =>
          timed(async () => {
            const result = await fixture.bucket
              .prefix(prefix.slice(0, -1))
              .uploadDir(tree, manyOptions(many));
            if (!result.ok) throw new Error(`uploadDir: ${result.failed.length} files failed`);
          }),
      }),
      peerContender(peers, "s5cmd", (tool) =>
        objectsContender("s5cmd cp 'dir/*' s3://…/", tool.label, count, {
          ...steps,
          act: async (prefix) => {
            const args = ["cp", `${tree}/*`, `s3://${many.bucket}/${prefix}`];
            return { ms: (await runS5cmd(peers, tool.path, args)).ms };
          },
        }),
      ),
    ],
  };
}

function downloadDirCase(
  fixture: Fixture,
  many: Many,
  peers: ExternalPeers,
  source: string,
): BenchCase {
  const count = many.config.dirFiles;
  const steps = {
    prepare: async (tag: string) => {
      const dir = join(many.dir, `tree-down-${tag}`);
      await rm(dir, { recursive: true, force: true });
      return dir;
    },
    check: (dir: string) => expectTree(many, "downloadDir", dir),
    cleanup: (dir: string) => rm(dir, { recursive: true, force: true }),
  };
  return {
    title: `downloadDir ${count} × ${many.config.dirFileKiB} KiB`,
    unit: "objects/s",
    warmUp: true,
    note: "s3kit downloadDir() lists and downloads 8 objects at once (its default, or S3KIT_BENCH_CONCURRENCY), each through a temp file renamed into place; s5cmd cp of 's3://…/prefix/*' with up to 256 workers, timed around the command.",
    contenders: [
      objectsContender("prefix.downloadDir(dir)", "s3kit", count, {
        ...steps,
        act: (dir) =>
          timed(async () => {
            const result = await fixture.bucket
              .prefix(source.slice(0, -1))
              .downloadDir(dir, manyOptions(many));
            if (!result.ok) throw new Error(`downloadDir: ${result.failed.length} files failed`);
          }),
      }),
      peerContender(peers, "s5cmd", (tool) =>
        objectsContender("s5cmd cp 's3://…/*' dir/", tool.label, count, {
          ...steps,
          act: async (dir) => {
            const args = ["cp", `s3://${many.bucket}/${source}*`, `${dir}/`];
            return { ms: (await runS5cmd(peers, tool.path, args)).ms };
          },
        }),
      ),
    ],
  };
}

/** uploadDir and downloadDir of many small files: s3kit against s5cmd, in objects per second. */
export async function manyDirCases(fixture: Fixture): Promise<BenchCase[]> {
  const many = manyOf(fixture);
  const peers = await externalPeers(fixture);
  const tree = await writeTree(many);
  const source = "tree-down/";
  const body = new Uint8Array(many.config.dirFileKiB * 1024);
  const keys = Array.from({ length: many.config.dirFiles }, (_, i) => `${source}f${i}.bin`);
  await clearPrefix(many, source);
  await seedKeys(many.raw, many.bucket, keys, () => body);
  return [uploadDirCase(fixture, many, peers, tree), downloadDirCase(fixture, many, peers, source)];
}
