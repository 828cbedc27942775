/**
 * `npm run bench:promises`: the promises one 1 KiB request makes in the
 * client, counted with async_hooks, for s3kit (lean and SDK paths), the raw SDK and
 * minio-js against a local MinIO: where the small-request rows' client CPU goes, a count
 * that does not depend on how busy the machine is. Each call is made twice first (so caches
 * are warm and modules loaded), then counted over 50 calls.
 */
import { createHook } from "node:async_hooks";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { startMinio } from "../minio.js";
import { type Connection, kitS3, rawClient } from "./connection.js";
import { minioClient } from "./peers/clients.js";

const CALLS = 50;
const BUCKET = "promise-count";
const body = new Uint8Array(1024);

type Calls = Record<"PUT" | "GET" | "HEAD", () => Promise<unknown>>;

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

function contenders(connection: Connection): Record<string, Calls> {
  const lean = kitS3(connection).bucket(BUCKET);
  const sdkPath = kitS3(connection, "sdk").bucket(BUCKET);
  const raw = rawClient(connection);
  const minio = minioClient(connection);
  const kit = (bucket: typeof lean): Calls => ({
    PUT: () => bucket.put("p", body),
    GET: () => bucket.getBytes("k"),
    HEAD: () => bucket.head("k"),
  });
  const key = { Bucket: BUCKET, Key: "k" };
  return {
    "s3kit (lean)": kit(lean),
    's3kit, transport: "sdk"': kit(sdkPath),
    "@aws-sdk/client-s3": {
      PUT: () => raw.send(new PutObjectCommand({ ...key, Key: "p", Body: body })),
      GET: async () => (await raw.send(new GetObjectCommand(key))).Body?.transformToByteArray(),
      HEAD: () => raw.send(new HeadObjectCommand(key)),
    },
    // What the lean path spends in the SDK's signer alone: the one the issue has it reuse.
    "SDK SignatureV4.sign alone (one reused)": signOnly(connection, raw.config.sha256),
    "minio-js": {
      PUT: () => minio.putObject(BUCKET, "p", Buffer.from(body)),
      GET: async () => drain(await minio.getObject(BUCKET, "k")),
      HEAD: () => minio.statObject(BUCKET, "k"),
    },
  };
}

function signOnly(
  connection: Connection,
  sha256: ConstructorParameters<typeof SignatureV4>[0]["sha256"],
): Calls {
  const { accessKeyId, secretAccessKey, region } = connection;
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: "s3",
    sha256,
    uriEscapePath: false,
  });
  const request = (method: string, payload?: Uint8Array) => ({
    method,
    protocol: "http:",
    hostname: "127.0.0.1",
    path: `/${BUCKET}/k`,
    headers: { host: "127.0.0.1" },
    query: {},
    body: payload,
  });
  return {
    PUT: () => signer.sign(request("PUT", body)),
    GET: () => signer.sign(request("GET")),
    HEAD: () => signer.sign(request("HEAD")),
  };
}

/** Promises made per call of `call`, over CALLS calls made one after the other. */
async function promisesPer(call: () => Promise<unknown>): Promise<number> {
  await call();
  await call();
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "PROMISE") count++;
    },
  });
  hook.enable();
  for (let i = 0; i < CALLS; i++) await call();
  hook.disable();
  return count / CALLS;
}

async function main(): Promise<void> {
  const server = await startMinio();
  try {
    const connection = { ...server };
    const setup = kitS3(connection);
    await setup.createBucket(BUCKET);
    await setup.bucket(BUCKET).put("k", body);
    const rows: string[] = ["| client | PUT | GET | HEAD |", "|---|---|---|---|"];
    for (const [name, calls] of Object.entries(contenders(connection))) {
      const counts: number[] = [];
      for (const call of Object.values(calls)) counts.push(await promisesPer(call));
      rows.push(`| ${name} | ${counts.map((count) => count.toFixed(0)).join(" | ")} |`);
    }
    process.stdout.write(`promises per 1 KiB request (${CALLS} calls each)\n${rows.join("\n")}\n`);
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`promise-count failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
