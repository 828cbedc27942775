import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { MiB } from "./config.js";

/** A byte count and the SHA-256 (hex) of those bytes. */
export interface Digest {
  size: number;
  sha256: string;
}

/**
 * Writes `size` random bytes to `path` one MiB at a time (never more than a chunk in memory)
 * and returns their digest.
 * @throws the fs error when the file cannot be written.
 */
export async function writeRandomFile(path: string, size: number): Promise<Digest> {
  const hash = createHash("sha256");
  const file = await open(path, "w");
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(MiB, size - written));
      hash.update(chunk);
      await file.write(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return { size, sha256: hash.digest("hex") };
}

/**
 * Reads a stream to its end, chunk by chunk, counting the bytes and, when `hash`, hashing them.
 * @throws whatever the stream emits as an error.
 */
export async function drainStream(
  stream: Readable | AsyncIterable<Uint8Array>,
  hash: boolean,
): Promise<Partial<Digest> & { size: number }> {
  const hasher = hash ? createHash("sha256") : undefined;
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) {
    hasher?.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hasher?.digest("hex") };
}

/**
 * Digest of everything a stream delivers, read chunk by chunk.
 * @throws whatever the stream emits as an error.
 */
export async function digestStream(stream: Readable | AsyncIterable<Uint8Array>): Promise<Digest> {
  const { size, sha256 } = await drainStream(stream, true);
  return { size, sha256: sha256 ?? "" };
}

/**
 * Digest of a local file, streamed.
 * @throws the fs error when the file cannot be read.
 */
export function digestFile(path: string): Promise<Digest> {
  return digestStream(createReadStream(path, { highWaterMark: MiB }));
}

/**
 * Checks that `actual` matches `expected`: always the size, the hash only when `actual` has one.
 * @throws Error naming `what` on a mismatch, so a fast wrong result fails the benchmark.
 */
export function expectDigest(what: string, expected: Digest, actual: Partial<Digest>): void {
  if (actual.size !== expected.size) {
    throw new Error(`${what}: expected ${expected.size} bytes, got ${actual.size}`);
  }
  if (actual.sha256 !== undefined && actual.sha256 !== expected.sha256) {
    throw new Error(
      `${what}: SHA-256 ${actual.sha256} differs from the source's ${expected.sha256}`,
    );
  }
}
