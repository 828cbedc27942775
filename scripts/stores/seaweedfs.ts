/**
 * SeaweedFS (`weed server -s3`) for the compatibility runs, built once from its Go module into
 * .cache/bin: `go mod download` of the pinned version, then `go build ./weed` (`go install`
 * refuses the module's replace directives).
 */
import { randomBytes } from "node:crypto";
import { ensureGoTool, type GoTool } from "../bench/peers/go-tools.js";
import { answersOk, launchServer } from "./server-process.js";
import type { StoreServer } from "./store-server.js";

/** The SeaweedFS the compatibility runs pin. */
export const SEAWEEDFS: GoTool = {
  name: "weed",
  module: "github.com/seaweedfs/seaweedfs",
  version: "v0.0.0-20261109003541-7506e5f91cd6",
  pkg: "./weed",
};

/** The weed binary, built on first use ($S3KIT_BENCH_WEED_BIN names another). */
export async function ensureSeaweedfs(
  log = (line: string) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const installed = await ensureGoTool(SEAWEEDFS, log);
  if ("skipped" in installed) throw new Error(installed.skipped);
  return installed.path;
}

/** The one identity the server knows: every action on every bucket. */
function identities(accessKey: string, secretKey: string): string {
  return JSON.stringify({
    identities: [
      {
        name: "s3kit",
        credentials: [{ accessKey, secretKey }],
        actions: ["Admin", "Read", "Write", "List", "Tagging"],
      },
    ],
  });
}

/**
 * The flags: every listener on 127.0.0.1 and on a port of its own, no telemetry, logs and
 * sockets in the data dir. Each bucket is a collection with volumes of its own, so volumes are
 * kept small and their number free (the defaults, 30 GB and 8, run out after a few buckets).
 * `-s3.autoCreateBucket=false`: a write to a missing bucket is NoSuchBucket, as on S3;
 * `-s3.allowBackslashInKey`: a `\` in a key stays one (by default it becomes `/`).
 */
function weedArgs(ports: number[], dir: string): string[] {
  const [s3, s3Grpc, master, masterGrpc, volume, volumeGrpc, filer, filerGrpc] = ports;
  return [
    `-logdir=${dir}`,
    "server",
    `-dir=${dir}`,
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    "-master.telemetry=false",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    "-master.volumeSizeLimitMB=64",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    "-volume.max=0",
    "-volume.preStopSeconds=0",
    "-filer",
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-filer.localSocket=${dir}/filer.sock`,
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.localSocket=${dir}/s3.sock`,
    `-s3.config=${dir}/s3.json`,
    "-s3.autoCreateBucket=false",
    "-s3.allowBackslashInKey",
  ];
}

/** Starts SeaweedFS's master, volume server, filer and S3 gateway in one process. */
export async function startSeaweedfs(options: { verbose?: boolean } = {}): Promise<StoreServer> {
  const command = await ensureSeaweedfs();
  const accessKeyId = `s3kit${randomBytes(6).toString("hex")}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  const server = await launchServer({
    name: "seaweedfs",
    command,
    ports: 8,
    args: weedArgs,
    files: { "s3.json": identities(accessKeyId, secretAccessKey) },
    ready: (endpoint) => answersOk(`${endpoint}/healthz`),
    verbose: options.verbose,
    timeoutMs: 120_000,
  });
  return {
    endpoint: server.endpoint,
    accessKeyId,
    secretAccessKey,
    region: "us-east-1",
    stop: server.stop,
  };
}
