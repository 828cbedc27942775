import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { deleteKeys, seedKeys } from "../buckets.js";
import { type Fixture, perFixture } from "../fixture.js";
import { type SmallPeer, smallPeers } from "../peers/small-peers.js";
import type { BenchCase, Contender, RunContext, RunnableContender } from "../runner.js";
import {
  type BatchOutcome,
  digestOf,
  SMALL_SIZE,
  type SmallOp,
  smallPayload,
} from "../small-batch.js";

/** Requests in flight in the concurrent cases. */
const IN_FLIGHT = 32;

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * The objects the GET and HEAD cases read (and the presign cases sign for), each holding
 * `smallPayload()`; written once per fixture by the raw SDK.
 */
export const readKeys = perFixture(async (fixture: Fixture): Promise<string[]> => {
  const keys = Array.from(
    { length: fixture.config.requests },
    (_, i) => `small/read/${String(i).padStart(6, "0")}`,
  );
  const payload = smallPayload();
  await seedKeys(fixture.raw, fixture.bucket.name, keys, () => payload);
  return keys;
});

/** A key-safe name for a contender, e.g. "minio-js". */
export function slugOf(library: string): string {
  return (library.split(" ")[0] ?? library).replace(/[^\w-]+/g, "-");
}

/**
 * Checks what a PUT batch wrote, with the raw SDK (every object's bytes when deep, else the
 * first and last object's size), then deletes it.
 * @throws Error naming the first object that is wrong.
 */
async function checkPuts(fixture: Fixture, keys: readonly string[], deep: boolean): Promise<void> {
  const Bucket = fixture.bucket.name;
  const payload = smallPayload();
  const sampled = deep ? keys : [keys[0] as string, keys[keys.length - 1] as string];
  for (const Key of sampled) {
    if (deep) {
      const output = await fixture.raw.send(new GetObjectCommand({ Bucket, Key }));
      const body = await output.Body?.transformToByteArray();
      if (!body || !sameBytes(body, payload)) throw new Error(`${Key} does not hold what was PUT`);
    } else {
      const head = await fixture.raw.send(new HeadObjectCommand({ Bucket, Key }));
      if (head.ContentLength !== SMALL_SIZE) {
        throw new Error(`${Key} holds ${head.ContentLength} bytes, expected ${SMALL_SIZE}`);
      }
    }
  }
  await deleteKeys(fixture.raw, Bucket, keys);
}

/**
 * Checks a batch's result, outside the timed part: GET bodies are the payload, HEAD sizes its
 * size, PUT objects what was sent.
 * @throws Error describing the first mismatch.
 */
async function check(
  fixture: Fixture,
  op: SmallOp,
  keys: readonly string[],
  outcome: BatchOutcome,
  deep: boolean,
): Promise<void> {
  if (op === "put") return checkPuts(fixture, keys, deep);
  if (op === "get") {
    const expected = digestOf(keys.map(() => smallPayload()));
    if (outcome.digest !== expected) throw new Error("the GET bodies differ from the objects");
    return;
  }
  const wrong = keys.findIndex((_, i) => outcome.sizes?.[i] !== SMALL_SIZE);
  if (wrong !== -1) {
    throw new Error(`HEAD ${keys[wrong]} said ${outcome.sizes?.[wrong]} bytes, not ${SMALL_SIZE}`);
  }
}

/** One peer in one small case; its metric is ms per request. */
function contender(
  fixture: Fixture,
  peer: SmallPeer,
  op: SmallOp,
  concurrency: number,
  readKeys: readonly string[],
): RunnableContender {
  const slug = slugOf(peer.library);
  return {
    label: peer.labels[op],
    library: peer.library,
    async run({ index, deep }: RunContext) {
      const round = index < 0 ? "warm-up" : String(index);
      const keys =
        op === "put"
          ? readKeys.map((_, i) => `small/put/${slug}/${concurrency}/${round}/${i}`)
          : [...readKeys];
      const outcome = await peer.batch(op, keys, concurrency);
      await check(fixture, op, keys, outcome, deep);
      return { value: outcome.ms / keys.length, cpuMs: outcome.cpuMs / keys.length };
    },
  };
}

const notes: Record<SmallOp, string> = {
  put: "every contender PUTs the same 1 KiB (a Uint8Array or Buffer) to fresh keys, read back and deleted by the harness after the timing.",
  get: "the whole body into memory as bytes; every body is compared with the object after the timing.",
  head: "one HEAD per object; every reported size is checked after the timing.",
};

/**
 * PUT, GET and HEAD of 1 KiB objects, one at a time and 32 in flight, in ms per request:
 * s3kit against the raw SDK, minio-js, s3mini and Bun's S3Client (in a Bun child, timed there).
 */
export async function smallCases(fixture: Fixture): Promise<BenchCase[]> {
  const peers = await smallPeers(fixture);
  const keys = await readKeys(fixture);
  const cases: BenchCase[] = [];
  for (const concurrency of [1, IN_FLIGHT]) {
    for (const op of ["put", "get", "head"] as const) {
      const contenders: Contender[] = peers.map((peer) =>
        "skipped" in peer ? peer : contender(fixture, peer, op, concurrency, keys),
      );
      cases.push({
        title: `${op.toUpperCase()} 1 KiB, ${concurrency === 1 ? "sequential" : `${concurrency} in flight`}, ${keys.length}× (per request)`,
        unit: "ms",
        warmUp: true,
        contenders,
        note: notes[op],
      });
    }
  }
  return cases;
}
