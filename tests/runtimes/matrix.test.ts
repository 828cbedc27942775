import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { prepareConsumer, runOn } from "../../scripts/conformance/matrix.js";
import { installRuntime, processRuntimes } from "../../scripts/conformance/runtimes.js";

/** The checks every runtime runs (scripts/conformance/checks.mjs), in order. */
const CHECKS = [
  "put",
  "getBytes",
  "getText",
  "getJson",
  "head",
  "exists",
  "delete",
  "list",
  "folders",
  "copy",
  "deleteMany",
  "copyMany",
  "setTags+getTags",
  "presign GET",
  "presignPost form",
  "missing key → ObjectNotFoundError",
];

/**
 * The runtime matrix: the packed package, installed into an empty project, runs the
 * conformance checks on Node 20, 22 and 24, Bun and Deno (with --allow-net, --allow-env and
 * --allow-read only), each runtime taken from the npm registry (cached in .cache/runtimes).
 */
describe("the runtime matrix", () => {
  const runtimes = processRuntimes();
  let work: string;
  let consumer: string;

  beforeAll(async () => {
    for (const runtime of runtimes) await installRuntime(runtime);
    work = await mkdtemp(join(tmpdir(), "s3kit-runtimes-"));
    consumer = await prepareConsumer(work);
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each(runtimes.map((runtime) => [runtime.name, runtime] as const))(
    "issue 10: the core works on %s, from the packed package",
    async (_name, runtime) => {
      const run = await runOn(runtime, consumer, inject("s3Server"));
      expect(run.complete, run.output).toBe(true);
      expect(run.results.map((r) => r.name)).toEqual(CHECKS);
      expect(run.results.filter((r) => !r.ok)).toEqual([]);
    },
  );
});
