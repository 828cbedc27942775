/**
 * moto's S3 server (moto[server] from PyPI, in a venv at .cache/moto-venv) for the tests.
 *
 * As a CLI: `npx tsx scripts/stores/moto.ts --ensure` only makes the venv (used by .ci/run).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runProgram } from "../bench/peers/program.js";
import { answersOk, launchServer } from "./server-process.js";
import type { StoreServer } from "./store-server.js";

/** The moto the tests pin. */
export const MOTO_REQUIREMENT = "moto[server]==5.2.5";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const venv = join(projectRoot, ".cache", "moto-venv");
/** Written once pip has installed the pin; another pin means a fresh venv. */
const marker = join(venv, "s3kit-pin.txt");

/** The venv's moto_server, there once `ensureMoto` has run. */
export const MOTO_SERVER = join(venv, "bin", "moto_server");

/** True when the venv holds the pinned moto (the vitest config runs the moto project then). */
export function motoInstalled(): boolean {
  return existsSync(MOTO_SERVER) && existsSync(marker);
}

/** Makes the venv with the pinned moto unless it is there; returns the moto_server path. */
export async function ensureMoto(log = (line: string) => process.stderr.write(`${line}\n`)) {
  if (motoInstalled() && (await readFile(marker, "utf8")) === MOTO_REQUIREMENT) return MOTO_SERVER;
  await rm(venv, { recursive: true, force: true });
  log(`installing ${MOTO_REQUIREMENT} from PyPI into ${venv}`);
  await runProgram({ command: process.env.S3KIT_PYTHON ?? "python3", args: ["-m", "venv", venv] });
  await runProgram({
    command: join(venv, "bin", "python"),
    args: ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOTO_REQUIREMENT],
    timeoutMs: 10 * 60_000,
  });
  await writeFile(marker, MOTO_REQUIREMENT);
  return MOTO_SERVER;
}

/**
 * Starts moto's S3 server on 127.0.0.1 (its state in memory). moto takes any credentials and
 * checks no signature; random ones are handed out all the same.
 */
export async function startMoto(options: { verbose?: boolean } = {}): Promise<StoreServer> {
  const command = await ensureMoto();
  const server = await launchServer({
    name: "moto",
    command,
    ports: 1,
    args: ([port]) => ["-H", "127.0.0.1", "-p", String(port)],
    ready: (endpoint) => answersOk(`${endpoint}/moto-api/`),
    verbose: options.verbose,
  });
  return {
    endpoint: server.endpoint,
    accessKeyId: `s3kit${randomBytes(6).toString("hex")}`,
    secretAccessKey: randomBytes(24).toString("base64url"),
    region: "us-east-1",
    stop: server.stop,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes("--ensure")) {
    process.stderr.write("usage: tsx scripts/stores/moto.ts --ensure\n");
    process.exit(2);
  }
  ensureMoto().then(
    (path) => process.stdout.write(`moto_server: ${path}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
