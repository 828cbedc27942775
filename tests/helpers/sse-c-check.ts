/**
 * The SSE-C check against a store over TLS, run as a child process by
 * tests/integration/sse-c.test.ts: Node reads NODE_EXTRA_CA_CERTS (the test MinIO's
 * self-signed certificate) only at start, and s3kit's lean path has no TLS option of its own.
 * Reads S3KIT_SSEC_ENDPOINT, _ACCESS_KEY, _SECRET_KEY and _TRANSPORT; prints one JSON line
 * of what it saw, for the test to assert on.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { S3, sseCustomerHeaders } from "../../src/index.js";
import { uniqueBucketName } from "./s3.js";

const env = (name: string) => process.env[`S3KIT_SSEC_${name}`] ?? "";
const KEY = new Uint8Array(randomBytes(32));
const OTHER = Buffer.from(randomBytes(32)).toString("base64");
const lines: string[] = [];
const record = (message: string, fields: Record<string, unknown>) =>
  lines.push(inspect({ message, fields }, { depth: 10 }));
const s3 = new S3({
  endpoint: env("ENDPOINT"),
  region: "us-east-1",
  credentials: { accessKeyId: env("ACCESS_KEY"), secretAccessKey: env("SECRET_KEY") },
  transport: env("TRANSPORT") === "sdk" ? "sdk" : "lean",
  logger: { debug: record, info: record, warn: record, error: record },
});
const sha = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");
const shown: string[] = [];

/** What a call failed with: its class and code (undefined when it did not fail). */
async function failure(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    shown.push(inspect(error, { depth: 20, showHidden: true }), String(error));
    const { name, code } = error as { name: string; code: string };
    return `${name} ${code}`;
  }
}

async function run(): Promise<Record<string, unknown>> {
  const name = uniqueBucketName("ssec");
  const plain = await s3.createBucket(name);
  const keyed = s3.bucket(name, { defaults: { sseCustomerKey: KEY } });
  const seen: Record<string, unknown> = {};
  try {
    const big = new Uint8Array(randomBytes(11 * 1024 * 1024));
    await keyed.put("small", "line 1\nline 2\n");
    await keyed.upload(big, "big", { partSize: 5 * 1024 * 1024 });
    await plain.put("plain", "not encrypted");
    seen.getText = await keyed.getText("small");
    seen.bigSame = sha(await keyed.getBytes("big")) === sha(big);
    const ranged = [];
    for await (const chunk of await keyed.stream("big", { range: { offset: 7, length: 9 } }))
      ranged.push(chunk as Buffer);
    seen.rangeSame = sha(Buffer.concat(ranged)) === sha(big.subarray(7, 16));
    const lined: string[] = [];
    for await (const line of keyed.lines("small")) lined.push(line);
    seen.lines = lined;
    const head = await keyed.head("big");
    seen.head = { contentLength: head.contentLength, exists: await keyed.exists("big") };
    const dir = await mkdtemp(join(tmpdir(), "s3kit-ssec-"));
    try {
      await keyed.download("big", join(dir, "big"), { partSize: 4 * 1024 * 1024 });
      seen.downloadSame = sha(await readFile(join(dir, "big"))) === sha(big);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const served = await keyed.respond("small", new Request("http://local/small"));
    seen.respond = [served.status, await served.text()];
    await keyed.copy("small", "copy");
    await keyed.copy("big", "copy-big", {
      copyThreshold: 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
    });
    await keyed.copy("small", "rekeyed", { sseCustomerKey: OTHER });
    await plain.copy("plain", "encrypted", { sseCustomerKey: KEY });
    seen.copies = [
      await keyed.getText("copy"),
      sha(await keyed.getBytes("copy-big")) === sha(big),
      await plain.getText("rekeyed", { sseCustomerKey: OTHER }),
      await keyed.getText("encrypted"),
    ];
    seen.refusals = {
      getWithout: await failure(() => plain.getText("small")),
      headWithout: await failure(() => plain.head("small")),
      existsWithout: await failure(() => plain.exists("small")),
      copyWithout: await failure(() => plain.copy("small", "x")),
      getWrong: await failure(() => keyed.getText("rekeyed")),
      headWrong: await failure(() => keyed.head("rekeyed")),
      getNeedless: await failure(() => keyed.getText("plain")),
      headNeedless: await failure(() => keyed.head("plain")),
    };
    const link = await keyed.presign("small");
    const withHeaders = await fetch(link, { headers: sseCustomerHeaders(KEY) });
    const without = await fetch(link);
    seen.presignGet = [withHeaders.status, await withHeaders.text(), without.status];
    await without.arrayBuffer();
    const upload = await keyed.presign("uploaded", { method: "PUT", contentType: "text/plain" });
    const put = await fetch(upload, {
      method: "PUT",
      body: "by link",
      headers: { ...sseCustomerHeaders(KEY), "content-type": "text/plain" },
    });
    await put.arrayBuffer();
    seen.presignPut = [put.status, await keyed.getText("uploaded")];
    seen.links = [link, upload];
  } finally {
    await plain.deleteAll();
    await s3.deleteBucket(name);
    s3.close();
  }
  const spellings = [Buffer.from(KEY).toString("base64"), OTHER, Buffer.from(KEY).toString("hex")];
  const text = [...lines, ...shown].join("\n");
  seen.leaks = spellings.filter((spelling) => text.includes(spelling)).length;
  seen.logLines = lines.length;
  return seen;
}

run().then(
  (seen) => process.stdout.write(`${JSON.stringify(seen)}\n`),
  (error: unknown) => {
    process.stderr.write(`${inspect(error, { depth: 5 })}\n`);
    process.exit(1);
  },
);
