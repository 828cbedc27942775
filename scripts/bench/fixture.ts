import { createReadStream, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Bucket, S3 } from "../../src/index.js";
import { startMinio } from "../minio.js";
import { createBenchBucket, removeBenchBucket, seededKeys, seedKeys } from "./buckets.js";
import { type BenchConfig, MiB } from "./config.js";
import { type Connection, kitS3, rawClient } from "./connection.js";
import { type Digest, writeRandomFile } from "./files.js";

/** Everything the cases share: clients, buckets, the local data file and its object. */
export interface Fixture {
  config: BenchConfig;
  connection: Connection;
  /** s3kit, the contender. */
  kit: S3;
  /** The raw SDK client: the peer, and the harness's own tool for setup and checks. */
  raw: S3Client;
  /** Temp dir holding the data file and the downloads. */
  dir: string;
  /** The bucket of the transfer cases, as s3kit sees it. */
  bucket: Bucket;
  /** The bucket holding exactly the listing case's keys. */
  listBucket: Bucket;
  /** The keys of `listBucket`, in listing order. */
  listKeys: readonly string[];
  /** The random data file, and the object `sourceKey` holding the same bytes. */
  source: Digest & { path: string };
  sourceKey: string;
  /** Has `close` run `cleanup` too (before what was made earlier): for peers' processes. */
  defer(cleanup: () => Promise<void>): void;
  /** Removes what `openFixture` made, newest first; never throws, reports on stderr. */
  close(): Promise<void>;
}

/** Cleanups to run newest first: `defer` adds one, `close` runs them all, reporting failures. */
function cleanupStack(): Pick<Fixture, "defer" | "close"> {
  const cleanups: Array<() => Promise<void>> = [];
  return {
    defer: (cleanup) => {
      cleanups.push(cleanup);
    },
    close: async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          process.stderr.write(`cleanup failed: ${(error as Error).message}\n`);
        }
      }
      cleanups.length = 0;
    },
  };
}

/**
 * Creates the temp dir, the random data file (written in chunks), both buckets, the source
 * object and the listing keys. On failure, undoes what it did before rethrowing.
 * @throws fs or SDK errors from the setup.
 */
export async function openFixture(
  config: BenchConfig,
  connection: Connection,
  log: (line: string) => void,
): Promise<Fixture> {
  const { defer, close } = cleanupStack();
  try {
    const kit = kitS3(connection);
    const raw = rawClient(connection);
    defer(async () => {
      kit.close();
      raw.destroy();
    });

    const dir = await mkdtemp(join(tmpdir(), "s3kit-bench-"));
    // A Ctrl-C ends the process without our finally blocks; take the temp dir along anyway.
    const removeDirOnExit = () => rmSync(dir, { recursive: true, force: true });
    process.once("exit", removeDirOnExit);
    defer(async () => {
      process.off("exit", removeDirOnExit);
      await rm(dir, { recursive: true, force: true });
    });

    const size = config.sizeMiB * MiB;
    log(`writing ${config.sizeMiB} MiB of random data`);
    const path = join(dir, "source.bin");
    const source = { path, ...(await writeRandomFile(path, size)) };

    const bucketName = await createBenchBucket(raw, "transfer");
    defer(() => removeBenchBucket(raw, bucketName));
    const listBucketName = await createBenchBucket(raw, "list");
    defer(() => removeBenchBucket(raw, listBucketName));

    log(`uploading the source object (${config.sizeMiB} MiB)`);
    const sourceKey = "source.bin";
    await new Upload({
      client: raw,
      params: { Bucket: bucketName, Key: sourceKey, Body: createReadStream(path) },
      partSize: 16 * MiB,
    }).done();
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucketName, Key: sourceKey }));
    if (head.ContentLength !== size) {
      throw new Error(`source object holds ${head.ContentLength} bytes, expected ${size}`);
    }

    // 100,000 keys take minutes to write: only for a run that lists them.
    const listKeys = config.cases.includes("list") ? seededKeys(config.keys) : [];
    log(`writing ${listKeys.length} keys for the listing case`);
    await seedKeys(raw, listBucketName, listKeys);

    return {
      config,
      connection,
      kit,
      raw,
      dir,
      bucket: kit.bucket(bucketName),
      listBucket: kit.bucket(listBucketName),
      listKeys,
      source,
      sourceKey,
      defer,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `make`, run once per fixture on first use; later calls share its promise. */
export function perFixture<T>(
  make: (fixture: Fixture) => Promise<T>,
): (fixture: Fixture) => Promise<T> {
  const made = new WeakMap<Fixture, Promise<T>>();
  return (fixture) => {
    let promise = made.get(fixture);
    if (!promise) {
      promise = make(fixture);
      made.set(fixture, promise);
    }
    return promise;
  };
}

/**
 * Starts MinIO, opens a fixture on it and runs `work`, then closes the fixture and stops
 * MinIO, on failure too.
 * @throws whatever the setup or `work` throws.
 */
export async function withFixture<T>(
  config: BenchConfig,
  log: (line: string) => void,
  work: (fixture: Fixture) => Promise<T>,
): Promise<T> {
  const server = await startMinio();
  try {
    const { endpoint, region, accessKeyId, secretAccessKey } = server;
    const connection = { endpoint, region, accessKeyId, secretAccessKey };
    const fixture = await openFixture(config, connection, log);
    try {
      return await work(fixture);
    } finally {
      log("cleaning up");
      await fixture.close();
    }
  } finally {
    await server.stop();
  }
}
