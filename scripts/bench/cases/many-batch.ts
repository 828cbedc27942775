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

/** Bytes of s5cmd arguments per command, well under Linux's 2 MiB for argv and environment. */
const ARGV_BUDGET = 1024 * 1024;

/** `urls` split into lists of at most ARGV_BUDGET bytes each. */
function argvChunks(urls: readonly string[]): string[][] {
  const chunks: string[][] = [[]];
  let bytes = 0;
  for (const url of urls) {
    if (bytes + url.length + 1 > ARGV_BUDGET) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)?.push(url);
    bytes += url.length + 1;
  }
  return chunks;
}

/** The keys of one deleteMany run, all under `prefix`. */
interface Seeded {
  prefix: string;
  keys: string[];
}

/** Seeds `count` empty objects under a fresh prefix for one deleteMany run. */
async function seededPrefix(many: Many, tag: string, count: number): Promise<Seeded> {
  const prefix = `delete/${tag}/`;
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  await seedKeys(many.raw, many.bucket, keys, () => "");
  return { prefix, keys };
}

function deleteCase(fixture: Fixture, many: Many, peers: ExternalPeers): BenchCase {
  const count = many.config.deleteKeys;
  const bucket = fixture.bucket;
  const steps = {
    prepare: (tag: string) => seededPrefix(many, tag, count),
    check: ({ prefix }: Seeded) => expectCount(many, "deleteMany", prefix, 0),
    cleanup: ({ prefix }: Seeded) => clearPrefix(many, prefix),
  };
  return {
    title: `deleteMany ${count} keys`,
    unit: "objects/s",
    warmUp: false,
    note: "Both get the keys (no listing): s3kit deleteMany() in DeleteObjects batches of 1000 (4 at once, its default); s5cmd rm with every key as an argument (its own batches of 1000, up to 256 workers), timed around the command. The keys are seeded before each run, untimed.",
    contenders: [
      objectsContender("bucket.deleteMany(keys)", "s3kit", count, {
        ...steps,
        act: ({ keys }) =>
          timed(async () => {
            const result = await bucket.deleteMany(keys);
            if (!result.ok) throw new Error(`deleteMany: ${result.failed.length} keys failed`);
          }),
      }),
      peerContender(peers, "s5cmd", (tool) =>
        objectsContender("s5cmd rm <keys>", tool.label, count, {
          ...steps,
          async act({ keys }) {
            const urls = keys.map((key) => `s3://${many.bucket}/${key}`);
            let ms = 0;
            for (const chunk of argvChunks(urls)) {
              ms += (await runS5cmd(peers, tool.path, ["rm", ...chunk])).ms;
            }
            return { ms };
          },
        }),
      ),
    ],
  };
}

function copyCase(fixture: Fixture, many: Many, peers: ExternalPeers, source: string): BenchCase {
  const count = many.config.copyKeys;
  const bucket = fixture.bucket;
  const steps = {
    prepare: async (tag: string) => `copy-to/${tag}/`,
    check: (target: string) => expectCount(many, "copyMany", target, count),
    cleanup: (target: string) => clearPrefix(many, target),
  };
  return {
    title: `copyMany ${count} objects`,
    unit: "objects/s",
    warmUp: true,
    note: `Server-side copies of ${many.config.dirFileKiB} KiB objects: s3kit copyMany() of [src, dest] pairs (8 at once, its default, or S3KIT_BENCH_CONCURRENCY); s5cmd cp of a wildcard (one listing, then up to 256 copies at once), timed around the command.`,
    contenders: [
      objectsContender("bucket.copyMany(pairs)", "s3kit", count, {
        ...steps,
        act: (target) =>
          timed(async () => {
            const pairs = Array.from(
              { length: count },
              (_, i) => [`${source}${i}`, `${target}${i}`] as const,
            );
            const result = await bucket.copyMany(pairs, manyOptions(many));
            if (!result.ok) throw new Error(`copyMany: ${result.failed.length} pairs failed`);
          }),
      }),
      peerContender(peers, "s5cmd", (tool) =>
        objectsContender("s5cmd cp 'src/*' dest/", tool.label, count, {
          ...steps,
          act: async (target) => {
            const from = `s3://${many.bucket}/${source}*`;
            return {
              ms: (await runS5cmd(peers, tool.path, ["cp", from, `s3://${many.bucket}/${target}`]))
                .ms,
            };
          },
        }),
      ),
    ],
  };
}

/** deleteMany and copyMany: s3kit against s5cmd, in objects per second. */
export async function manyBatchCases(fixture: Fixture): Promise<BenchCase[]> {
  const many = manyOf(fixture);
  const peers = await externalPeers(fixture);
  const source = "copy-from/";
  const body = new Uint8Array(many.config.dirFileKiB * 1024);
  const sources = Array.from({ length: many.config.copyKeys }, (_, i) => `${source}${i}`);
  await seedKeys(many.raw, many.bucket, sources, () => body);
  return [deleteCase(fixture, many, peers), copyCase(fixture, many, peers, source)];
}
