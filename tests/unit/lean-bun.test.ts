import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// On Bun the lean path sends with Bun's fetch. These calls run in a Bun child (the bun npm
// package, a devDependency) against a store in this process, on both paths: a gzip-encoded
// object must read as the bytes stored (Bun's fetch inflates bodies unless told not to), and
// answers without a body (a HEAD, a 204) must end.

const bun = resolve("node_modules/.bin/bun");
const fakes = useFakeS3();
const plain = Buffer.from("stored gzip-encoded, served as stored ".repeat(40));
const gzipped = gzipSync(plain);

const SCRIPT = `
import { S3 } from ${JSON.stringify(resolve("src/index.ts"))};
const [endpoint, transport] = process.argv.slice(2);
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

describe.skipIf(!existsSync(bun))("the lean path on Bun", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "s3kit-lean-bun-"));
    await writeFile(join(dir, "calls.ts"), SCRIPT);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(["lean", "sdk"])(
    "on the %s path: a gzip object reads as stored; HEAD, a 204 DELETE and tags end",
    async (transport) => {
      const server = await fakes.start(store);
      const { stdout } = await promisify(execFile)(
        bun,
        [join(dir, "calls.ts"), server.endpoint, transport],
        {
          timeout: 30_000,
        },
      );
      const out = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
      expect(out).toEqual({
        getBytes: gzipped.toString("base64"),
        head: "gzip",
        delete: "deleted",
        getTags: { a: "b" },
      });
    },
    40_000,
  );
});
