/**
 * Starting the cold-start child (cold-start-child.mjs): which libraries it can load, what it
 * is asked and what it reports.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { childReport } from "./child-report.js";
import type { Connection } from "./connection.js";

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, "..", "..");
const childScript = join(here, "cold-start-child.mjs");
const REPORT_PREFIX = "S3KIT_COLD_START ";

/** The libraries compared; the child knows how each makes its first request. */
export type LibraryName = "s3kit" | "sdk" | "minio";

/** One contender: what is imported, under which name it is reported. */
export interface Library {
  name: LibraryName;
  label: string;
  /** The import specifier, resolved from scripts/bench (so "s3kit" is this package's build). */
  specifier: string;
}

/** s3kit first, then the raw SDK, then minio-js. */
export const LIBRARIES: readonly Library[] = [
  { name: "s3kit", label: "s3kit", specifier: "s3kit" },
  { name: "sdk", label: "raw @aws-sdk/client-s3", specifier: "@aws-sdk/client-s3" },
  { name: "minio", label: "minio-js", specifier: "minio" },
];

/** Where the first request goes: a small object the caller has put there. */
export interface FirstRequest {
  connection: Connection;
  bucket: string;
  key: string;
  /** Its size in bytes, to check what was read. */
  size: number;
  /** Leave credentials to the SDK's default chain (environment variables, as on Lambda). */
  credentialsFromEnvironment?: boolean;
}

/** A module load seen by a traced child: what was asked for, by which file. */
export interface ModuleLoad {
  request: string;
  from: string;
  /** What an ES module resolution gave; absent for CommonJS requests. */
  url?: string;
}

/** What a traced child saw in one phase: every load, and the CommonJS files executed. */
export interface TracedLoads {
  loads: ModuleLoad[];
  files: string[];
}

/** What one child reports (times in ms; `startedMs` and `firstResponseMs` since process start). */
export interface ChildReport {
  startedMs: number;
  importMs: number;
  importCpuMs: number;
  firstResponseMs?: number;
  /** CPU (user + system) of the whole process until then. */
  firstResponseCpuMs?: number;
  requestMs?: number;
  bytes?: number;
  /** With `trace`: what the import loaded. */
  importModules?: TracedLoads;
  /** With `trace` and a request: what the first request loaded on top. */
  requestModules?: TracedLoads;
}

/**
 * Runs one cold start of `library` in a fresh `node` (no tsx, no NODE_OPTIONS) and returns
 * its report: the import alone, or with `request` the first GET too, checked for its size.
 * @throws Error with the child's stderr when it fails.
 */
export async function runColdChild(
  library: Library,
  request?: FirstRequest,
  trace = false,
): Promise<ChildReport> {
  const task = { library: library.name, specifier: library.specifier, request, trace };
  const env: NodeJS.ProcessEnv = { ...process.env, S3KIT_COLD_START: JSON.stringify(task) };
  delete env.NODE_OPTIONS;
  if (request?.credentialsFromEnvironment) {
    env.AWS_ACCESS_KEY_ID = request.connection.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = request.connection.secretAccessKey;
  }
  const what = `cold-start child (${library.label})`;
  const report = await childReport<ChildReport>([childScript], env, REPORT_PREFIX, what);
  if (request && report.bytes !== request.size) {
    throw new Error(`${library.label} read ${report.bytes} bytes, not ${request.size}`);
  }
  return report;
}

/** Why a library cannot be measured here, or undefined when it can. */
export function whySkipped(library: Library): string | undefined {
  if (library.name === "s3kit") {
    const built = existsSync(join(projectRoot, "dist", "index.js"));
    return built ? undefined : "dist/ is missing: run `npm run build` first";
  }
  try {
    createRequire(childScript).resolve(library.specifier);
    return undefined;
  } catch {
    return `${library.specifier} is not installed (npm install --save-dev ${library.specifier})`;
  }
}
