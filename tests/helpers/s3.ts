import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, inject } from "vitest";
import { type Bucket, type Logger, S3, type S3Options } from "../../src/index.js";
import type { TestServer } from "./global-setup.js";
import { removeBucket } from "./remove-bucket.js";

/** The S3 server of this run (MinIO started by the global setup, or S3KIT_TEST_*). */
export function testServer(): TestServer {
  return inject("s3Server");
}

/** What each S3 made by testS3 reports of its requests, one call per attempt (see countRequests). */
const requestTaps = new WeakMap<S3, Tap[]>();

/** Told of each HTTP attempt: its operation and its attempt number (1 for the first). */
type Tap = (operation: string, attempt: number) => void;

/**
 * `own` (the test's logger, if any) with its debug lines also handed to `taps`: s3kit writes
 * one per HTTP attempt, on the lean path and the SDK's alike.
 */
function tappedLogger(own: Logger | undefined, taps: Tap[]): Logger {
  return {
    debug(message, fields) {
      if (message === "s3kit request" || message === "s3kit request failed") {
        for (const tap of taps) tap(String(fields.operation), Number(fields.attempt));
      }
      own?.debug?.(message, fields);
    },
    ...(own?.info && { info: (message, fields) => own.info?.(message, fields) }),
    ...(own?.warn && { warn: (message, fields) => own.warn?.(message, fields) }),
    ...(own?.error && { error: (message, fields) => own.error?.(message, fields) }),
  };
}

/** An S3 connected to the test server; options override the defaults. */
export function testS3(options: S3Options & { client?: undefined } = {}): S3 {
  const server = testServer();
  const taps: Tap[] = [];
  const s3 = new S3({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...options,
    logger: tappedLogger(options.logger, taps),
  });
  requestTaps.set(s3, taps);
  return s3;
}

/** A raw SDK client for the test server, to check what s3kit did without trusting s3kit. */
export function rawClient(): S3Client {
  const server = testServer();
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** A bucket name no other test uses. */
export function uniqueBucketName(label = "t"): string {
  return `s3kit-${label}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** What `useTestBucket()` hands each test. */
export interface TestBucket {
  s3: S3;
  bucket: Bucket;
  raw: S3Client;
}

/**
 * Gives every test of the file its own fresh bucket (created before, removed with all its
 * contents after) and an S3 built with `options`.
 */
export function useTestBucket(options: S3Options & { client?: undefined } = {}): TestBucket {
  const state = {} as TestBucket;
  beforeEach(async () => {
    state.s3 = testS3(options);
    state.raw = rawClient();
    state.bucket = await state.s3.createBucket(uniqueBucketName());
  });
  afterEach(async () => {
    await removeBucket(state.raw, state.bucket.name);
    state.s3.close();
    state.raw.destroy();
  });
  return state;
}

/** Stores an object with the raw SDK (not through s3kit, nor any proxy); returns its ETag. */
export async function putRaw(
  t: TestBucket,
  key: string,
  body: Uint8Array | string,
): Promise<string> {
  const out = await t.raw.send(
    new PutObjectCommand({ Bucket: t.bucket.name, Key: key, Body: body }),
  );
  return out.ETag as string;
}

/**
 * Counts the HTTP attempts an S3 made by testS3 sends, by operation name (GetObject,
 * DeleteObjects, …), from its request log: the same on the lean path and the SDK's. With
 * `retries: false` only first attempts count: the calls s3kit made, however often a store
 * that failed some (a 500 under load) had them retried.
 */
export function countRequests(s3: S3, options: { retries?: boolean } = {}): Map<string, number> {
  const taps = requestTaps.get(s3);
  if (taps === undefined) throw new Error("countRequests needs an S3 made by testS3");
  const counts = new Map<string, number>();
  taps.push((name, attempt) => {
    if (options.retries === false && attempt > 1) return;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  return counts;
}

/**
 * The raw HTTP bodies of the GET answers received from now on (by any client of this test
 * file's process), to watch their sockets: from Node's http diagnostics channel, which both
 * of s3kit's request paths go through on Node.
 */
export function captureBodies(): IncomingMessage[] {
  const bodies: IncomingMessage[] = [];
  subscribe("http.client.response.finish", (message) => {
    const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
    if (request.method === "GET") bodies.push(response);
  });
  return bodies;
}

/** Turns versioning on for a bucket, with the raw SDK (s3kit has no versioning API yet). */
export async function enableVersioning(client: S3Client, Bucket: string): Promise<void> {
  await client.send(
    new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
  );
}
