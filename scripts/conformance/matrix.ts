/**
 * The runtime matrix: the conformance checks (checks.mjs) run from the packed package on every
 * runtime of runtimes.ts against one S3 server, each runtime in a bucket of its own.
 */
import { execFile } from "node:child_process";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { S3 } from "../../src/index.js";
import { installPacked } from "./consumer.js";
import { installRuntime, projectRoot, type Runtime, runtimesDir } from "./runtimes.js";

/** The S3 server the checks talk to. */
export interface Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface RuntimeResult {
  runtime: string;
  results: CheckResult[];
  /** False when the entry crashed or hung before reporting every check. */
  complete: boolean;
  seconds: number;
  /** What the runtime printed (stdout, then stderr), for a failure's message. */
  output: string;
}

/** One runtime's whole run, loading included, may take this long before it is killed. */
export const RUN_TIMEOUT_MS = 180_000;

const ENTRIES = ["checks.mjs", "main.mjs", "worker.mjs"];

/**
 * Packs this checkout and installs it into `work/consumer` with the conformance entries beside
 * it, as a user's project would hold them. Returns the consumer's folder.
 */
export async function prepareConsumer(work: string, extra: string[] = []): Promise<string> {
  const consumer = await installPacked(work, extra);
  for (const entry of ENTRIES) {
    await copyFile(join(projectRoot, "scripts", "conformance", entry), join(consumer, entry));
  }
  return consumer;
}

/** Creates an empty bucket for one runtime's run and returns its name. */
export async function freshBucket(server: Server, runtime: string): Promise<string> {
  const s3 = new S3({
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  const label = runtime.replace(/[^a-z0-9]+/g, "-");
  const name = `conformance-${label}-${Date.now().toString(36)}`;
  try {
    await s3.createBucket(name);
  } finally {
    s3.close();
  }
  return name;
}

/** Reads the report's lines (`ok   name`, `FAIL name — detail`) back into results. */
export function parseReport(stdout: string): { results: CheckResult[]; complete: boolean } {
  const results: CheckResult[] = [];
  let complete = false;
  for (const line of stdout.split("\n")) {
    if (line.startsWith("ok   ")) results.push({ name: line.slice(5).trim(), ok: true });
    else if (line.startsWith("FAIL ")) {
      const [name = "", detail = ""] = line.slice(5).split(" — ");
      results.push({ name: name.trim(), ok: false, detail: detail.trim() });
    } else if (line.startsWith("conformance: ")) complete = true;
  }
  return { results, complete };
}

/** The environment of a runtime's process: only what it needs, no AWS_* of the host. */
function runtimeEnv(config: object): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: "1",
    DENO_DIR: join(runtimesDir, "deno-dir"),
    S3KIT_CONFORMANCE: JSON.stringify(config),
  };
}

function runCommand(
  [command = "", ...args]: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 16 << 20 },
      // A non-zero exit is an answer too (failed checks); the report says which.
      (_error, stdout, stderr) => resolve(`${stdout}\n${stderr}`),
    );
  });
}

/**
 * Runs the conformance checks on one runtime in a bucket of its own. A runtime that cannot
 * even start them (its bundle fails, its entry crashes) reports every check failed with why.
 */
export async function runOn(
  runtime: Runtime,
  consumer: string,
  server: Server,
): Promise<RuntimeResult> {
  const dirs = await installRuntime(runtime);
  const bucket = await freshBucket(server, runtime.name);
  const started = Date.now();
  let output: string;
  try {
    const command = await runtime.command(consumer, dirs);
    const config = { ...server, bucket, fileSystem: runtime.fileSystem ?? true };
    output = await runCommand(command, consumer, runtimeEnv(config));
  } catch (error) {
    output = `could not start: ${(error as Error).message}`;
  }
  const { results, complete } = parseReport(output);
  const seconds = (Date.now() - started) / 1000;
  return { runtime: runtime.name, results, complete, seconds, output };
}

/** The matrix as a text table: a row per check, a column per runtime, then each one's time. */
export function table(runs: RuntimeResult[]): string {
  const names: string[] = [];
  for (const run of runs)
    for (const r of run.results) if (!names.includes(r.name)) names.push(r.name);
  const width = Math.max(5, ...names.map((n) => n.length));
  const columns = runs.map((run) => Math.max(run.runtime.length, 4));
  const row = (label: string, cells: string[]) =>
    [label.padEnd(width), ...cells.map((cell, i) => cell.padEnd(columns[i] ?? 4))].join("  ");
  const lines = [
    row(
      "check",
      runs.map((run) => run.runtime),
    ),
  ];
  for (const name of names) {
    lines.push(
      row(
        name,
        runs.map((run) => {
          const result = run.results.find((r) => r.name === name);
          return result === undefined ? "—" : result.ok ? "ok" : "FAIL";
        }),
      ),
    );
  }
  lines.push(
    row(
      "time",
      runs.map((run) => `${run.seconds.toFixed(1)}s${run.complete ? "" : "!"}`),
    ),
  );
  return lines.join("\n");
}

/**
 * How a run differs from what its runtime expects (runtimes.ts, workerd.ts): a check failing
 * that should pass, one passing that is listed as failing (update the list and the README's
 * table), a failure for another reason, or a runtime starting (or not) against expectation.
 * Empty when the run is exactly as expected.
 */
export function surprises(runtime: Runtime, run: RuntimeResult): string[] {
  const expected = runtime.expected;
  if (expected && "start" in expected) {
    if (run.complete) return [`${run.runtime} ran the checks; expected it not to start`];
    return run.output.includes(expected.start)
      ? []
      : [`${run.runtime} did not start, but not with "${expected.start}":\n${run.output}`];
  }
  if (!run.complete) return [`${run.runtime} did not finish:\n${run.output.slice(-3000)}`];
  const known = expected?.checks ?? {};
  const found: string[] = [];
  for (const result of run.results) {
    const reason = known[result.name];
    if (result.ok && reason) found.push(`${result.name} passes; listed as failing (${reason})`);
    if (!result.ok && !reason) found.push(`${result.name} fails: ${result.detail}`);
    if (!result.ok && reason && !result.detail?.includes(reason)) {
      found.push(`${result.name} fails, not with "${reason}": ${result.detail}`);
    }
  }
  return found.map((line) => `${run.runtime}: ${line}`);
}
