import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { prepareConsumer, runOn, surprises } from "../../scripts/conformance/matrix.js";
import { installRuntime, processRuntimes } from "../../scripts/conformance/runtimes.js";
import { workerdRuntimes } from "../../scripts/conformance/workerd.js";

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
  "open",
  "respond",
  "missing key → ObjectNotFoundError",
];

/**
 * The runtime matrix: the packed package, installed into an empty project, runs the
 * conformance checks on Node 20, 22 and 24, Bun and Deno (with --allow-net, --allow-env and
 * --allow-read only), and bundled for workerd (Miniflare) without nodejs_compat, with it, and
 * with it plus the README's wrangler.toml `[alias]` for the SDK's XML parser; each runtime taken
 * from the npm registry (cached in .cache/runtimes). Node, Bun, Deno and workerd with
 * nodejs_compat and the alias pass every check; the other workerd runtimes' known failures are
 * listed in workerd.ts (and the README's table), so that a fix shows here as much as a
 * regression does.
 */
describe("the runtime matrix", () => {
  const runtimes = [...processRuntimes(), ...workerdRuntimes()];
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
    "issue 10: the core from the packed package on %s, as the matrix expects",
    async (_name, runtime) => {
      const run = await runOn(runtime, consumer, inject("s3Server"));
      if (run.complete) expect(run.results.map((r) => r.name)).toEqual(CHECKS);
      expect(surprises(runtime, run)).toEqual([]);
    },
  );
});
