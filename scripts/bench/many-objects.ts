import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import type { BigConfig } from "./big-config.js";
import type { Took } from "./big-object.js";
import { deleteKeys } from "./buckets.js";
import type { Fixture } from "./fixture.js";
import type { Contender, RunContext } from "./runner.js";

/** What the many-object cases share: their settings, the bucket and the raw client for checks. */
export interface Many {
  config: BigConfig;
  bucket: string;
  raw: S3Client;
  dir: string;
}

/**
 * The options s3kit's many-object calls run with: its default concurrency unless
 * S3KIT_BENCH_CONCURRENCY sets one (to compare at a peer's own settings).
 */
export function manyOptions(many: Many): { concurrency?: number } {
  const { concurrency } = many.config;
  return concurrency === undefined ? {} : { concurrency };
}

/** The many-object cases' view of the fixture (they use its transfer bucket, under their own prefixes). */
export function manyOf(fixture: Fixture): Many {
  return {
    config: fixture.config.big,
    bucket: fixture.bucket.name,
    raw: fixture.raw,
    dir: fixture.dir,
  };
}

/** Every key under `prefix`, listed with the raw SDK. */
export async function keysUnder(many: Many, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  const pages = paginateListObjectsV2(
    { client: many.raw },
    { Bucket: many.bucket, Prefix: prefix },
  );
  for await (const page of pages) {
    for (const object of page.Contents ?? []) keys.push(object.Key ?? "");
  }
  return keys;
}

/** Deletes every object under `prefix` with the raw SDK (setup and teardown, never timed). */
export async function clearPrefix(many: Many, prefix: string): Promise<void> {
  await deleteKeys(many.raw, many.bucket, await keysUnder(many, prefix));
}

/**
 * Checks that `prefix` holds exactly `count` objects.
 * @throws Error naming `what` otherwise, so a fast wrong result fails the benchmark.
 */
export async function expectCount(many: Many, what: string, prefix: string, count: number) {
  const found = (await keysUnder(many, prefix)).length;
  if (found !== count)
    throw new Error(`${what}: ${found} objects under ${prefix}, expected ${count}`);
}

/** A peer's name for keys and paths: its name without anything but word characters. */
export function slugOf(name: string): string {
  return name.replace(/\W+/g, "-").replace(/^-|-$/g, "");
}

/** One run of a many-object contender: set up, timed act, check, clean up. */
export interface ManyRun<T> {
  /** Untimed: makes what the act works on (seeded keys, a fresh target). */
  prepare(tag: string): Promise<T>;
  /** The timed part. */
  act(state: T): Promise<Took>;
  /** Untimed: throws when the act did not do all of its work. */
  check(state: T): Promise<void>;
  /** Untimed: removes what the run left. */
  cleanup(state: T): Promise<void>;
}

/**
 * A contender moving `count` objects per run; its metric is objects per second. `tag` (for
 * keys and paths) names the library and the run, so no two runs share a prefix.
 */
export function objectsContender<T>(
  label: string,
  library: string,
  count: number,
  steps: ManyRun<T>,
): Contender {
  return {
    label,
    library,
    async run({ index }: RunContext) {
      const state = await steps.prepare(`${slugOf(library)}-${index < 0 ? "warm-up" : index}`);
      try {
        const took = await steps.act(state);
        await steps.check(state);
        return { value: count / (took.ms / 1000), cpuMs: took.cpuMs };
      } finally {
        await steps.cleanup(state);
      }
    },
  };
}
