import { createReadStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Bucket } from "../../src/index.js";
import { type BigConfig, type KitTransfer, kitTransfer } from "./big-config.js";
import { readBack } from "./buckets.js";
import { MiB } from "./config.js";
import { type Digest, digestFile, expectDigest, writeRandomFile } from "./files.js";
import { type Fixture, perFixture } from "./fixture.js";
import { slugOf } from "./many-objects.js";
import { type ExternalPeers, externalPeers } from "./peers/external.js";
import { warpCeiling } from "./peers/warp.js";
import type { Contender, RunContext, Sample } from "./runner.js";

/** The big object of the big-transfer cases: a local random file and an object of the same bytes. */
export interface BigObject {
  config: BigConfig;
  /** The local file, and its size and SHA-256. */
  source: Digest & { path: string };
  bucket: string;
  /** The same bucket, as s3kit sees it. */
  scope: Bucket;
  /** The object holding the same bytes, in `bucket`. */
  key: string;
  /** The raw SDK client of the fixture, for setup and checks. */
  raw: S3Client;
  /** Where downloads go. */
  dir: string;
}

/**
 * The big object for this fixture, written on first use (outside any timed part): random
 * bytes in the fixture's temp dir, uploaded by the raw SDK into the transfer bucket.
 */
export const bigObject = perFixture(async (fixture: Fixture): Promise<BigObject> => {
  const config = fixture.config.big;
  const size = config.bigMiB * MiB;
  const path = join(fixture.dir, "big-source.bin");
  const bucket = fixture.bucket.name;
  const key = "big/source.bin";
  process.stderr.write(`· writing and uploading the big object (${config.bigMiB} MiB)\n`);
  const source = { path, ...(await writeRandomFile(path, size)) };
  await new Upload({
    client: fixture.raw,
    params: { Bucket: bucket, Key: key, Body: createReadStream(path) },
    partSize: 16 * MiB,
  }).done();
  const head = await fixture.raw.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  if (head.ContentLength !== size) {
    throw new Error(`big object holds ${head.ContentLength} bytes, expected ${size}`);
  }
  return { config, source, bucket, scope: fixture.bucket, key, raw: fixture.raw, dir: fixture.dir };
});

/** Throughput in MiB/s of `bytes` moved in `ms`. */
export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}

/** How long a transfer took, in ms, and the client CPU it cost when measured in-process. */
export interface Took {
  ms: number;
  cpuMs?: number;
  /** How far the transferring process's RSS rose above its level before the transfer, in bytes. */
  rssGrowth?: number;
}

/** What a big-transfer contender reports: its throughput, or the RSS growth of its process. */
export type BigMetric = "MiB/s" | "MiB";

function sampleOf(big: BigObject, took: Took, metric: BigMetric): Sample {
  if (metric === "MiB/s") {
    return { value: mibPerSecond(big.source.size, took.ms), cpuMs: took.cpuMs };
  }
  if (took.rssGrowth === undefined) throw new Error("the transfer reported no RSS");
  return { value: took.rssGrowth / MiB };
}

/**
 * A contender that downloads the big object to a fresh file with `download`, checks the file
 * (size always, SHA-256 when deep) and deletes it.
 */
export function fileDownloader(
  big: BigObject,
  label: string,
  library: string,
  download: (path: string) => Promise<Took>,
  metric: BigMetric = "MiB/s",
): Contender {
  return {
    label,
    library,
    async run({ deep }: RunContext) {
      const path = join(big.dir, `big-download-${slugOf(library)}.bin`);
      await rm(path, { force: true });
      const took = await download(path);
      const actual = deep ? await digestFile(path) : { size: (await stat(path)).size };
      expectDigest(`${label} → ${path}`, big.source, actual);
      await rm(path, { force: true });
      return sampleOf(big, took, metric);
    },
  };
}

/**
 * A contender that reads the big object as a stream with `read` (hashing it when deep) and
 * checks what was read. Its metric is MiB/s.
 */
export function streamReader(
  big: BigObject,
  label: string,
  library: string,
  read: (hash: boolean) => Promise<Took & { read: Partial<Digest> }>,
): Contender {
  return {
    label,
    library,
    async run({ deep }: RunContext) {
      const took = await read(deep);
      expectDigest(`${label} (stream)`, big.source, took.read);
      return sampleOf(big, took, "MiB/s");
    },
  };
}

/**
 * A contender that uploads the big file to a fresh key with `upload`, reads the object back
 * (size always, SHA-256 when deep) and deletes it.
 */
export function uploader(
  big: BigObject,
  label: string,
  library: string,
  upload: (key: string) => Promise<Took>,
  metric: BigMetric = "MiB/s",
): Contender {
  return {
    label,
    library,
    async run({ index, deep }: RunContext) {
      const key = `big/upload-${slugOf(library)}-${slugOf(label)}-${index < 0 ? "warm-up" : index}.bin`;
      const took = await upload(key);
      expectDigest(`${label} → ${key}`, big.source, await readBack(big.raw, big.bucket, key, deep));
      await big.raw.send(new DeleteObjectCommand({ Bucket: big.bucket, Key: key }));
      return sampleOf(big, took, metric);
    },
  };
}

/** What a big-transfer case is made of: the object, the peers, s3kit's settings, warp's ceiling. */
export interface BigBench {
  big: BigObject;
  peers: ExternalPeers;
  kit: KitTransfer;
  /** warp's GETs or PUTs at s3kit's request size and concurrency. */
  ceiling: Contender;
}

/** The parts of the big-transfer cases in `direction`, made on first use (nothing timed). */
export async function bigBench(
  fixture: Fixture,
  direction: "upload" | "download",
): Promise<BigBench> {
  const [big, peers] = await Promise.all([bigObject(fixture), externalPeers(fixture)]);
  const kit = kitTransfer(big.config, direction);
  const op = direction === "download" ? "get" : "put";
  const load = { op, objectSize: kit.partMiB * MiB, concurrency: kit.concurrency } as const;
  return { big, peers, kit, ceiling: warpCeiling(peers, load, big.dir) };
}
