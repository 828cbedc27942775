/**
 * `npm run bench`: s3kit against the raw AWS SDK v3 on a local MinIO, as ratios measured in
 * one run (download, upload, listing, and the memory of a slowly read stream). Sizes, key
 * count and runs come from S3KIT_BENCH_* (see config.ts). Progress goes to stderr, the
 * report to stdout. Everything it creates (MinIO, its data, buckets, temp files, child
 * processes) is removed at the end, on failure and on Ctrl-C too.
 */
import { ensureMinio, startMinio } from "../minio.js";
import { downloadCase } from "./cases/download.js";
import { listCase } from "./cases/list.js";
import { memoryCase } from "./cases/memory.js";
import { uploadCase } from "./cases/upload.js";
import { type CaseName, readConfig } from "./config.js";
import { type Fixture, openFixture } from "./fixture.js";
import { commandLine, machineLines, resultLines, settingsLine } from "./report.js";
import { type BenchCase, type CaseResult, runCase } from "./runner.js";

const cases: Record<CaseName, (fixture: Fixture) => BenchCase> = {
  download: downloadCase,
  upload: uploadCase,
  list: listCase,
  memory: memoryCase,
};

const log = (line: string) => process.stderr.write(`· ${line}\n`);

async function main(): Promise<void> {
  const config = readConfig();
  const header = [
    "s3kit benchmark: s3kit vs the raw AWS SDK v3 against a local MinIO (loopback)",
    `command: ${commandLine()}`,
    ...machineLines(),
    `minio:   ${await ensureMinio()}`,
    settingsLine(config),
  ];
  for (const line of header) log(line);

  const server = await startMinio();
  try {
    const { endpoint, region, accessKeyId, secretAccessKey } = server;
    const fixture = await openFixture(
      config,
      { endpoint, region, accessKeyId, secretAccessKey },
      log,
    );
    try {
      const results: CaseResult[] = [];
      for (const name of config.cases) {
        results.push(await runCase(cases[name](fixture), config.runs, log));
      }
      process.stdout.write(`\n${[...header, "", ...resultLines(results)].join("\n")}\n`);
    } finally {
      log("cleaning up");
      await fixture.close();
    }
  } finally {
    await server.stop();
  }
}

// Exit through process.exit on a signal so the "exit" hooks (MinIO, temp dir, children) run.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
