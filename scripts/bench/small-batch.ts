/**
 * The work of the small-request and presign cases, shared by the in-process contenders and
 * the Bun child (so it imports only what Bun provides too): a batch of requests, timed as a
 * whole, with what verification needs collected on the side and hashed after the timing.
 */
import { createHash } from "node:crypto";
import { runPool } from "./pool.js";
import { type Timing, timed } from "./stats.js";

/** The size of every object in the small-request cases. */
export const SMALL_SIZE = 1024;

/** The bytes of every small object: a fixed pattern, so the Bun child needs no copy. */
export function smallPayload(): Uint8Array {
  return Uint8Array.from({ length: SMALL_SIZE }, (_, i) => (i * 31 + 7) & 0xff);
}

/** The requests of the small-request cases. */
export type SmallOp = "put" | "get" | "head";

/** A client's way of making each small request. */
export interface SmallOps {
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** The object's size as the HEAD reported it. */
  head(key: string): Promise<number>;
}

/** A timed batch and what it returned. */
export interface BatchOutcome extends Timing {
  /** get: SHA-256 (hex) of every body, concatenated in key order. */
  digest?: string;
  /** head: the size each HEAD reported, in key order. */
  sizes?: number[];
}

/** SHA-256 (hex) of byte arrays, concatenated in order. */
export function digestOf(bodies: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const body of bodies) hash.update(body);
  return hash.digest("hex");
}

/** Makes `op` for every key, `concurrency` in flight; PUTs send `smallPayload()`. */
export async function smallBatch(
  ops: SmallOps,
  op: SmallOp,
  keys: readonly string[],
  concurrency: number,
): Promise<BatchOutcome> {
  const each = (work: (key: string, index: number) => Promise<void>) =>
    timed(() => runPool(keys.length, concurrency, (i) => work(keys[i] as string, i)));
  if (op === "put") {
    const body = smallPayload();
    return each((key) => ops.put(key, body));
  }
  if (op === "get") {
    const bodies: Uint8Array[] = [];
    const timing = await each(async (key, i) => {
      bodies[i] = await ops.get(key);
    });
    return { ...timing, digest: digestOf(bodies) };
  }
  const sizes: number[] = [];
  const timing = await each(async (key, i) => {
    sizes[i] = await ops.head(key);
  });
  return { ...timing, sizes };
}

/** Presigns a URL for every key, one after the other; returns the timing and the first URL. */
export async function presignBatch(
  presign: (key: string) => Promise<string> | string,
  keys: readonly string[],
): Promise<Timing & { url: string }> {
  const urls: string[] = [];
  const timing = await timed(async () => {
    for (const key of keys) urls.push(await presign(key));
  });
  return { ...timing, url: urls[0] ?? "" };
}
