import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { kitS3 } from "../connection.js";
import type { Fixture } from "../fixture.js";
import type { SkippedContender } from "../runner.js";
import {
  type BatchOutcome,
  presignBatch,
  type SmallOp,
  type SmallOps,
  smallBatch,
} from "../small-batch.js";
import type { Timing } from "../stats.js";
import { type BunPeer, bunPeer } from "./bun.js";
import {
  minioClient,
  minioLibrary,
  rawLibrary,
  s3miniClient,
  s3miniLibrary,
  versionOf,
} from "./clients.js";
import { reusedSigner } from "./signer.js";

/** A client of the small-request cases: its name, and how it runs a batch. */
export interface SmallPeer {
  library: string;
  /** What each request is, e.g. "bucket.put()". */
  labels: Record<SmallOp, string>;
  batch(op: SmallOp, keys: string[], concurrency: number): Promise<BatchOutcome>;
}

/** A client of the presign cases. */
export interface PresignPeer {
  library: string;
  label: string;
  /** Presigns a URL per key, one after the other; returns the timing and the first URL. */
  batch(method: "GET" | "PUT", keys: string[]): Promise<Timing & { url: string }>;
}

const BUN = "Bun S3Client";

/** A peer running in this process, from its way of making each request. */
function inProcess(library: string, labels: Record<SmallOp, string>, ops: SmallOps): SmallPeer {
  return {
    library,
    labels,
    batch: (op, keys, concurrency) => smallBatch(ops, op, keys, concurrency),
  };
}

function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} returned nothing`);
  return value;
}

/**
 * s3kit on its default (lean) request path, or on the SDK's (`transport: "sdk"`): the second
 * shows what the lean path changes, in the same run.
 */
function s3kitPeer(fixture: Fixture, transport: "lean" | "sdk" = "lean"): SmallPeer {
  let { bucket } = fixture;
  if (transport === "sdk") {
    const s3 = kitS3(fixture.connection, "sdk");
    fixture.defer(async () => s3.close());
    bucket = s3.bucket(bucket.name);
  }
  return inProcess(
    transport === "lean" ? "s3kit" : 's3kit, transport: "sdk"',
    { put: "bucket.put()", get: "bucket.getBytes()", head: "bucket.head()" },
    {
      put: async (key, body) => {
        await bucket.put(key, body);
      },
      get: (key) => bucket.getBytes(key),
      head: async (key) => (await bucket.head(key)).contentLength,
    },
  );
}

function rawPeer(fixture: Fixture): SmallPeer {
  const { raw } = fixture;
  const Bucket = fixture.bucket.name;
  return inProcess(
    rawLibrary(),
    { put: "PutObjectCommand", get: "GetObjectCommand", head: "HeadObjectCommand" },
    {
      put: async (Key, Body) => {
        await raw.send(new PutObjectCommand({ Bucket, Key, Body }));
      },
      get: async (Key) => {
        const output = await raw.send(new GetObjectCommand({ Bucket, Key }));
        return present(output.Body, "GetObject").transformToByteArray();
      },
      head: async (Key) =>
        present((await raw.send(new HeadObjectCommand({ Bucket, Key }))).ContentLength, "HEAD"),
    },
  );
}

function minioPeer(fixture: Fixture): SmallPeer {
  const client = minioClient(fixture.connection);
  const bucket = fixture.bucket.name;
  return inProcess(
    minioLibrary(),
    { put: "putObject()", get: "getObject()", head: "statObject()" },
    {
      put: async (key, body) => {
        await client.putObject(bucket, key, Buffer.from(body), body.length);
      },
      get: async (key) => {
        const chunks: Buffer[] = [];
        for await (const chunk of await client.getObject(bucket, key)) chunks.push(chunk);
        return Buffer.concat(chunks);
      },
      head: async (key) => (await client.statObject(bucket, key)).size,
    },
  );
}

function s3miniPeer(fixture: Fixture): SmallPeer {
  const client = s3miniClient(fixture.connection, fixture.bucket.name);
  return inProcess(
    s3miniLibrary(),
    { put: "putObject()", get: "getObjectArrayBuffer()", head: "getContentLength()" },
    {
      put: async (key, body) => {
        const response = await client.putObject(key, body);
        if (!response.ok) throw new Error(`s3mini putObject answered ${response.status}`);
      },
      get: async (key) =>
        new Uint8Array(present(await client.getObjectArrayBuffer(key), "getObjectArrayBuffer")),
      head: (key) => client.getContentLength(key),
    },
  );
}

function bunLibrary(peer: BunPeer): string {
  return `Bun S3Client (bun ${peer.version}, child process)`;
}

function bunSmallPeer(peer: BunPeer): SmallPeer {
  return {
    library: bunLibrary(peer),
    labels: { put: "client.write()", get: "file().bytes()", head: "client.stat()" },
    batch: async (op, keys, concurrency) => {
      const reply = await peer.call({ op, keys, concurrency });
      return { ms: reply.ms ?? Number.NaN, cpuMs: reply.cpuMs ?? Number.NaN, ...reply };
    },
  };
}

/** s3kit first, then the raw SDK, minio-js, s3mini and Bun's S3Client (or why it is skipped). */
export async function smallPeers(fixture: Fixture): Promise<Array<SmallPeer | SkippedContender>> {
  const bun = await bunPeer(fixture);
  return [
    s3kitPeer(fixture),
    s3kitPeer(fixture, "sdk"),
    rawPeer(fixture),
    minioPeer(fixture),
    s3miniPeer(fixture),
    "skipped" in bun ? { label: BUN, library: BUN, skipped: bun.skipped } : bunSmallPeer(bun),
  ];
}

/** A presign peer running in this process. */
function presigner(
  library: string,
  label: string,
  presign: (method: "GET" | "PUT", key: string) => Promise<string>,
): PresignPeer {
  return {
    library,
    label,
    batch: (method, keys) => presignBatch((key) => presign(method, key), keys),
  };
}

/**
 * s3kit first, then the raw SDK's presigner, one reused `SignatureV4`, minio-js, s3mini and
 * Bun's S3Client (or why it is skipped).
 */
export async function presignPeers(
  fixture: Fixture,
): Promise<Array<PresignPeer | SkippedContender>> {
  const { bucket, raw, connection } = fixture;
  const Bucket = bucket.name;
  const minio = minioClient(connection);
  const mini = s3miniClient(connection, Bucket);
  const bun = await bunPeer(fixture);
  return [
    presigner("s3kit", "bucket.presign()", (method, key) => bucket.presign(key, { method })),
    presigner(rawLibrary(), "getSignedUrl()", (method, Key) =>
      getSignedUrl(
        raw,
        method === "GET"
          ? new GetObjectCommand({ Bucket, Key })
          : new PutObjectCommand({ Bucket, Key }),
        { expiresIn: 3600 },
      ),
    ),
    presigner(
      `SignatureV4 (@smithy/signature-v4 ${versionOf("@smithy/signature-v4")}, one reused)`,
      "signer.presign()",
      reusedSigner(connection, Bucket),
    ),
    presigner(minioLibrary(), "presigned{Get,Put}Object()", (method, key) =>
      method === "GET"
        ? minio.presignedGetObject(Bucket, key, 3600)
        : minio.presignedPutObject(Bucket, key, 3600),
    ),
    presigner(s3miniLibrary(), "getPresignedUrl()", (method, key) =>
      mini.getPresignedUrl(method, key, 3600),
    ),
    "skipped" in bun
      ? { label: BUN, library: BUN, skipped: bun.skipped }
      : {
          library: bunLibrary(bun),
          label: "client.presign()",
          batch: async (method, keys) => {
            const reply = await bun.call({ op: "presign", method, keys });
            return {
              ms: reply.ms ?? Number.NaN,
              cpuMs: reply.cpuMs ?? Number.NaN,
              url: reply.url ?? "",
            };
          },
        },
  ];
}
