import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DENO_PERMISSIONS,
  processRuntimes,
  runtimesDir,
} from "../../scripts/conformance/runtimes.js";
import { type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";

// On Bun and Deno the lean path sends with the runtime's fetch, which inflates a gzip-encoded
// body unless told not to (Bun: decompress: false; Deno: an Accept-Encoding of our own). These
// calls run in a child of each runtime (Bun from the bun devDependency, Deno when the runtime
// matrix installed it), bundled as a user's bundler would, against a store in this process:
// a gzip-encoded object must read as the bytes stored, and answers without a body (a HEAD, a
// 204) must end, on both paths.

const fakes = useFakeS3();
const plain = Buffer.from("stored gzip-encoded, served as stored ".repeat(40));
const gzipped = gzipSync(plain);

const SCRIPT = `
import { S3 } from ${JSON.stringify(resolve("src/index.ts"))};
const [endpoint, transport] = process.argv.slice(-2);
const s3 = new S3({ endpoint, transport, region: "us-east-1", maxRetries: 0, requestTimeout: 5000,
  credentials: { accessKeyId: "AKIAFAKEACCESSKEY01", secretAccessKey: "fake/Secret+Key/0123456789abcdefghijklmn" } });
const bucket = s3.bucket("b");
const out = {};
const run = async (name, call) => { try { out[name] = await call(); } catch (e) { out[name] = "error " + e.code; } };
await run("getBytes", async () => Buffer.from(await bucket.getBytes("page.gz")).toString("base64"));
await run("head", async () => (await bucket.head("page.gz")).contentEncoding);
await run("delete", async () => (await bucket.delete("page.gz"), "deleted"));
await run("getTags", async () => bucket.getTags("page.gz"));
s3.close();
console.log(JSON.stringify(out));
`;

function store(request: SeenRequest): FakeReply {
  const headers = { etag: '"gz"', "content-encoding": "gzip", "content-type": "text/html" };
  if (request.method === "HEAD") return { status: 200, headers, contentLength: gzipped.length };
  if (request.method === "DELETE") return { status: 204 };
  if (request.url.includes("tagging")) {
    return {
      status: 200,
      body: "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
    };
  }
  return { status: 200, headers, body: gzipped };
}

/** The runtime's command line before the script, when the runtime is here. */
function commandOf(name: "bun" | "deno"): string[] | undefined {
  const runtime = processRuntimes().find((candidate) => candidate.name === name);
  const pkg = runtime?.packages[0];
  const installed = pkg && join(runtimesDir, pkg.spec.replace(/[@/]/g, "_"), pkg.marker);
  if (name === "deno") {
    return installed && existsSync(installed)
      ? [installed, "run", ...DENO_PERMISSIONS, "--no-prompt", "--no-lock"]
      : undefined;
  }
  const bun = installed && existsSync(installed) ? installed : resolve("node_modules/.bin/bun");
  return existsSync(bun) ? [bun] : undefined;
}

const RUNTIMES = (["bun", "deno"] as const).map((name) => [name, commandOf(name)] as const);

describe("the lean path on Bun and Deno", () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "s3kit-lean-runtimes-"));
    await writeFile(join(dir, "calls.ts"), SCRIPT);
    bundle = join(dir, "calls.mjs");
    await build({
      entryPoints: [join(dir, "calls.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "error",
      // The SDK's CommonJS modules require Node's modules: an ES module needs its own require.
      banner: {
        js: 'import { createRequire as s3kitRequire } from "node:module"; const require = s3kitRequire(import.meta.url);',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(RUNTIMES)("on %s", (_name, command) => {
    it.skipIf(command === undefined).each(TRANSPORTS)(
      "%s path: a gzip object reads as stored; HEAD, a 204 DELETE and tags end",
      async (transport) => {
        const server = await fakes.start(store);
        const [file, ...args] = command as string[];
        const { stdout } = await promisify(execFile)(
          file as string,
          [...args, bundle, server.endpoint, transport],
          { timeout: 30_000 },
        );
        expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({
          getBytes: gzipped.toString("base64"),
          head: "gzip",
          delete: "deleted",
          getTags: { a: "b" },
        });
      },
      40_000,
    );
  });
});
