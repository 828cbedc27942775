/**
 * Presigning alone, in microseconds per URL: s3kit's `bucket.presign` against one reused SDK
 * `SignatureV4` (the prototype of issue 11, with the client's own SHA-256) and the SDK's
 * `getSignedUrl`, with the same static credentials, for a path-style store on 127.0.0.1.
 * Signing is local, so no store runs. Contenders are interleaved, each round signs
 * S3KIT_PRESIGN_URLS URLs (default 20000) one after another after a warm-up; the median of
 * S3KIT_PRESIGN_ROUNDS rounds (default 5) is printed with the spread.
 *
 *   npx tsx scripts/bench/presign-micro.ts
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { formatUrl } from "@aws-sdk/core/util";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { SignatureV4 } from "@smithy/signature-v4";
import { uriEncodeKey } from "../../src/client/uri-encode.js";
import { S3 } from "../../src/index.js";

const URLS = Number(process.env.S3KIT_PRESIGN_URLS ?? 20_000);
const ROUNDS = Number(process.env.S3KIT_PRESIGN_ROUNDS ?? 5);
const WARM_UP = 2_000;

const endpoint = new URL("http://127.0.0.1:9000");
const region = "us-east-1";
const bucket = "bench-bucket";
const credentials = {
  accessKeyId: "AKIAEXAMPLEEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

type Method = "GET" | "PUT";
type Presign = (method: Method, key: string) => Promise<string>;

const s3 = new S3({ region, credentials, endpoint: endpoint.href });
const s3kitBucket = s3.bucket(bucket);
const client = new S3Client({ region, credentials, endpoint: endpoint.href, forcePathStyle: true });
const signer = new SignatureV4({
  service: "s3",
  region,
  credentials,
  sha256: client.config.sha256,
  uriEscapePath: false,
  applyChecksum: false,
});

const contenders: Record<string, Presign> = {
  "s3kit bucket.presign": (method, key) =>
    s3kitBucket.presign(key, method === "PUT" ? { method } : {}),
  "SDK SignatureV4, one reused": async (method, key) =>
    formatUrl(
      await signer.presign(
        {
          method,
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: Number(endpoint.port),
          path: `/${bucket}/${uriEncodeKey(key)}`,
          query: { "x-id": method === "PUT" ? "PutObject" : "GetObject" },
          headers: { host: endpoint.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
        },
        { expiresIn: 3600 },
      ),
    ),
  "SDK getSignedUrl": (method, key) =>
    getSignedUrl(
      client,
      method === "PUT"
        ? new PutObjectCommand({ Bucket: bucket, Key: key })
        : new GetObjectCommand({ Bucket: bucket, Key: key }),
      { expiresIn: 3600 },
    ),
};

/** Wall-clock and CPU µs per URL for `count` URLs signed one after another. */
async function time(presign: Presign, method: Method, count: number): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    await presign(method, `bench/objects/file ${index}.bin`);
  }
  const wall = Number(process.hrtime.bigint() - start) / 1000 / count;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / count];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** "median µs (min–max)". */
function summary(values: number[]): string {
  const spread = `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  return `${median(values).toFixed(1).padStart(6)} µs (${spread})`;
}

async function main(): Promise<void> {
  console.log(
    `presign, µs per URL, wall clock and CPU, median (min–max): ${URLS} URLs per round, ${ROUNDS} rounds, node ${process.version}`,
  );
  for (const method of ["GET", "PUT"] as const) {
    const results = new Map<string, Array<[number, number]>>(
      Object.keys(contenders).map((name) => [name, []]),
    );
    for (const presign of Object.values(contenders)) await time(presign, method, WARM_UP);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, presign] of Object.entries(contenders)) {
        results.get(name)?.push(await time(presign, method, URLS));
      }
    }
    for (const [name, values] of results) {
      console.log(
        `${method}  ${name.padEnd(28)} ${summary(values.map(([wall]) => wall))}  CPU ${summary(values.map(([, cpu]) => cpu))}`,
      );
    }
  }
  s3.close();
  client.destroy();
}

await main();
