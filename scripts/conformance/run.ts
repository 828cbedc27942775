/**
 * `npm run conformance [-- node 22,deno]`: starts MinIO, packs s3kit into a fresh consumer
 * project, installs the runtimes once into .cache/runtimes, runs the conformance checks on each
 * and prints the matrix. Exits non-zero when a runtime's results differ from what
 * runtimes.ts expects of it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMinio } from "../minio.js";
import { prepareConsumer, type RuntimeResult, runOn, table } from "./matrix.js";
import { installRuntime, processRuntimes } from "./runtimes.js";

async function main(): Promise<number> {
  const only = process.argv[2]?.split(",").map((name) => name.trim());
  const runtimes = processRuntimes().filter((r) => !only || only.includes(r.name));
  if (runtimes.length === 0) throw new Error(`no runtime named ${only?.join(", ")}`);
  const started = Date.now();
  for (const runtime of runtimes) await installRuntime(runtime);
  const installed = (Date.now() - started) / 1000;
  process.stdout.write(`runtimes ready in ${installed.toFixed(1)}s\n`);
  const work = await mkdtemp(join(tmpdir(), "s3kit-conformance-"));
  const server = await startMinio();
  try {
    const consumer = await prepareConsumer(work);
    const runs: RuntimeResult[] = [];
    for (const runtime of runtimes) {
      const result = await runOn(runtime, consumer, server);
      runs.push(result);
      process.stdout.write(`${runtime.name}: done in ${result.seconds.toFixed(1)}s\n`);
    }
    process.stdout.write(`\n${table(runs)}\n\n`);
    let failed = 0;
    for (const run of runs) {
      for (const r of run.results.filter((r) => !r.ok)) {
        failed++;
        process.stdout.write(`${run.runtime}: ${r.name} — ${r.detail}\n`);
      }
      if (!run.complete) {
        failed++;
        process.stdout.write(`${run.runtime} did not finish:\n${run.output.slice(-3000)}\n`);
      }
    }
    process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
