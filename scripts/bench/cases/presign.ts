import { GetObjectCommand } from "@aws-sdk/client-s3";
import { deleteKeys } from "../buckets.js";
import type { Fixture } from "../fixture.js";
import { type PresignPeer, presignPeers } from "../peers/small-peers.js";
import type { BenchCase, Contender, RunContext, RunnableContender } from "../runner.js";
import { smallPayload } from "../small-batch.js";
import { readKeys, sameBytes, slugOf } from "./small.js";

/**
 * Uses one presigned URL the way a browser would, outside the timed part: a GET URL must
 * return the object's bytes; a PUT URL must store the payload (read back, then deleted).
 * @throws Error with the store's answer when the URL does not work.
 */
async function tryUrl(fixture: Fixture, method: "GET" | "PUT", url: string, key: string) {
  const payload = smallPayload();
  const response = await fetch(url, method === "PUT" ? { method, body: payload } : {});
  const body = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    throw new Error(
      `${method} of the presigned URL answered ${response.status}: ${new TextDecoder().decode(body)}`,
    );
  }
  const Bucket = fixture.bucket.name;
  if (method === "PUT") {
    const output = await fixture.raw.send(new GetObjectCommand({ Bucket, Key: key }));
    const stored = await output.Body?.transformToByteArray();
    await deleteKeys(fixture.raw, Bucket, [key]);
    if (!stored || !sameBytes(stored, payload))
      throw new Error("the presigned PUT stored other bytes");
  } else if (!sameBytes(body, payload)) {
    throw new Error("the presigned GET returned other bytes");
  }
}

/** One peer in one presign case; its metric is µs per URL. */
function contender(
  fixture: Fixture,
  peer: PresignPeer,
  method: "GET" | "PUT",
  keys: readonly string[],
): RunnableContender {
  return {
    label: peer.label,
    library: peer.library,
    async run({ deep }: RunContext) {
      const outcome = await peer.batch(method, [...keys]);
      if (deep) await tryUrl(fixture, method, outcome.url, keys[0] as string);
      return {
        value: (outcome.ms * 1000) / keys.length,
        cpuMs: outcome.cpuMs / keys.length,
      };
    },
  };
}

/**
 * µs per presigned GET URL and per PUT URL, one after the other, with the same credentials:
 * s3kit against the raw SDK's presigner, one reused SDK `SignatureV4`, minio-js, s3mini and
 * Bun's S3Client.
 */
export async function presignCases(fixture: Fixture): Promise<BenchCase[]> {
  const peers = await presignPeers(fixture);
  const objects = await readKeys(fixture);
  const count = fixture.config.urls;
  return (["GET", "PUT"] as const).map((method) => {
    const contenders: Contender[] = peers.map((peer) => {
      if ("skipped" in peer) return peer;
      // GET URLs name the seeded objects (the first is tried); PUT URLs fresh keys per peer.
      const keys = Array.from({ length: count }, (_, i) =>
        method === "GET"
          ? (objects[i % objects.length] as string)
          : `small/presigned/${slugOf(peer.library)}/${i}`,
      );
      return contender(fixture, peer, method, keys);
    });
    return {
      title: `presign a ${method} URL, ${count}× (per URL)`,
      unit: "µs",
      warmUp: true,
      contenders,
      note:
        method === "GET"
          ? "valid 1 hour; one URL per run is fetched after the timing and must return the object."
          : "valid 1 hour, no signed headers; one URL per run is used to PUT after the timing and the object read back.",
    } satisfies BenchCase;
  });
}
