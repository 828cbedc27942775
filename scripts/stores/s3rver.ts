/**
 * s3rver, the npm package, for the compatibility runs: installed on first use into
 * .cache/s3rver (its old koa and busboy stay out of the project's lockfile).
 */
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runProgram } from "../bench/peers/program.js";
import { answersOk, launchServer } from "./server-process.js";
import type { StoreServer } from "./store-server.js";

/** The s3rver the compatibility runs pin. */
export const S3RVER_VERSION = "3.7.1";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const prefix = join(projectRoot, ".cache", "s3rver");
const packageDir = join(prefix, "node_modules", "s3rver");

async function installedVersion(): Promise<string | undefined> {
  const manifest = join(packageDir, "package.json");
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(await readFile(manifest, "utf8")) as { version?: string }).version;
}

/** Installs the pinned s3rver unless it is there; returns its command-line script. */
export async function ensureS3rver(
  log = (line: string) => process.stderr.write(`${line}\n`),
): Promise<string> {
  if ((await installedVersion()) !== S3RVER_VERSION) {
    log(`installing s3rver@${S3RVER_VERSION} from npm into ${prefix}`);
    await mkdir(prefix, { recursive: true });
    await runProgram({
      command: "npm",
      args: ["install", "--prefix", prefix, "--no-audit", "--no-fund", `s3rver@${S3RVER_VERSION}`],
    });
  }
  return join(packageDir, "bin", "s3rver.js");
}

/**
 * Starts s3rver on 127.0.0.1. It knows one fixed key pair (S3RVER / S3RVER) and makes its
 * continuation tokens with DES, which Node's OpenSSL 3 only has under --openssl-legacy-provider
 * (without it every truncated listing is a 500).
 */
export async function startS3rver(options: { verbose?: boolean } = {}): Promise<StoreServer> {
  const script = await ensureS3rver();
  const server = await launchServer({
    name: "s3rver",
    command: process.execPath,
    ports: 1,
    args: ([port], dir) => [
      "--openssl-legacy-provider",
      script,
      "--directory",
      dir,
      "--address",
      "127.0.0.1",
      "--port",
      String(port),
      "--no-vhost-buckets",
      ...(options.verbose ? [] : ["--silent"]),
    ],
    ready: (endpoint) => answersOk(endpoint),
    verbose: options.verbose,
  });
  return {
    endpoint: server.endpoint,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    region: "us-east-1",
    stop: server.stop,
  };
}
