/**
 * `npm run conformance [-- node 22,deno]`: starts MinIO, packs s3kit into a fresh consumer
 * project, installs the runtimes once into .cache/runtimes, runs the conformance checks on each
 * and prints the matrix. Exits non-zero when a runtime's results differ from what
 * runtimes.ts and workerd.ts expect of it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMinio } from "../minio.js";
import { prepareConsumer, type RuntimeResult, runOn, surprises, table } from "./matrix.js";
import { installRuntime, processRuntimes } from "./runtimes.js";
import { workerdRuntimes } from "./workerd.js";

async function main(): Promise<number> {
  const only = process.argv[2]?.split(",").map((name) => name.trim());
  const runtimes = [...processRuntimes(), ...workerdRuntimes()].filter(
    (r) => !only || only.includes(r.name),
  );
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
    for (const run of runs) {
      if (!run.complete) {
        const why = run.output.split("\n").find((line) => line.trim() !== "") ?? "";
        process.stdout.write(`${run.runtime}: did not run the checks: ${why.slice(0, 600)}\n`);
      }
      for (const r of run.results.filter((r) => !r.ok)) {
        process.stdout.write(`${run.runtime}: ${r.name} — ${r.detail}\n`);
      }
    }
    const found = runtimes.flatMap((runtime, i) => (runs[i] ? surprises(runtime, runs[i]) : []));
    const verdict =
      found.length === 0 ? ["every runtime as expected (runtimes.ts, workerd.ts)"] : found;
    process.stdout.write(`\n${verdict.join("\n")}\n`);
    process.stdout.write(`total ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    return found.length === 0 ? 0 : 1;
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
