/**
 * Local MinIO for the demo, the tests and the benchmarks.
 *
 * As a module: `const server = await startMinio(); ...; await server.stop();`
 * As a CLI:    `npm run minio` builds MinIO if needed, starts it, prints its endpoint and
 *              credentials, and stops it (process and data dir) on Ctrl-C;
 *              `npm run minio -- --ensure` only builds it (used by .ci/run).
 *
 * The binary is taken from $S3KIT_MINIO_BIN, else `minio` on PATH, else the project cache
 * (.cache/bin/minio), where it is built once with `go install` at a pinned version.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { answersOk, launchServer } from "./stores/server-process.js";

/**
 * The MinIO source version we build. The issue pinned commit 9e49d5e7a648 (RELEASE.2025-10-15),
 * which the Go module proxy reachable here refuses (403 "This module version is not
 * available"); this is the one MinIO version that proxy serves.
 */
export const MINIO_MODULE = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cacheBin = join(projectRoot, ".cache", "bin");

export interface MinioServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Print build progress and server output to stderr. */
  verbose?: boolean;
  /** More environment for the server, e.g. `{ MINIO_API_CORS_ALLOW_ORIGIN: "https://a.example" }`. */
  env?: Record<string, string>;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
  });
}

/** Returns the path of a runnable minio binary, building it into .cache/bin when none exists. */
export async function ensureMinio(): Promise<string> {
  const fromEnv = process.env.S3KIT_MINIO_BIN;
  if (fromEnv) return fromEnv;
  const onPath = findOnPath("minio");
  if (onPath) return onPath;
  const cached = join(cacheBin, "minio");
  if (existsSync(cached)) return cached;
  await mkdir(cacheBin, { recursive: true });
  process.stderr.write(
    `building MinIO once (${MINIO_MODULE}) into ${cacheBin}; this takes a few minutes\n`,
  );
  await run("go", ["install", MINIO_MODULE], { ...process.env, GOBIN: cacheBin, CGO_ENABLED: "0" });
  if (!existsSync(cached)) throw new Error(`go install finished but ${cached} is missing`);
  return cached;
}

/**
 * Starts MinIO on 127.0.0.1 with a free port, a fresh temp data dir and random root
 * credentials, and resolves once it answers its readiness probe. `stop()` ends the process
 * and removes the data dir.
 */
export async function startMinio(options: StartOptions = {}): Promise<MinioServer> {
  const binary = await ensureMinio();
  const accessKeyId = `s3kit${randomBytes(6).toString("hex")}`;
  const secretAccessKey = randomBytes(24).toString("base64url");
  const region = "us-east-1";
  const server = await launchServer({
    name: "minio",
    command: binary,
    ports: 2,
    args: ([port, consolePort], dataDir) => [
      "server",
      dataDir,
      "--address",
      `127.0.0.1:${port}`,
      "--console-address",
      `127.0.0.1:${consolePort}`,
      "--quiet",
    ],
    env: {
      MINIO_ROOT_USER: accessKeyId,
      MINIO_ROOT_PASSWORD: secretAccessKey,
      MINIO_REGION: region,
      MINIO_BROWSER: "off",
      MINIO_UPDATE: "off",
      MINIO_CALLHOME_ENABLE: "off",
      ...options.env,
    },
    ready: (endpoint) => answersOk(`${endpoint}/minio/health/ready`),
    verbose: options.verbose,
  });
  return { ...server, accessKeyId, secretAccessKey, region };
}

async function main(): Promise<void> {
  if (process.argv.includes("--ensure")) {
    process.stdout.write(`minio binary: ${await ensureMinio()}\n`);
    return;
  }
  const server = await startMinio({ verbose: process.argv.includes("--verbose") });
  process.stdout.write(
    [
      `MinIO is running at ${server.endpoint} (data in ${server.dataDir})`,
      `  S3KIT_TEST_ENDPOINT=${server.endpoint}`,
      `  S3KIT_TEST_ACCESS_KEY=${server.accessKeyId}`,
      `  S3KIT_TEST_SECRET_KEY=${server.secretAccessKey}`,
      "Ctrl-C stops it and removes its data.",
      "",
    ].join("\n"),
  );
  const shutdown = () => {
    server.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
