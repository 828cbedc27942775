/**
 * The conformance checks: s3kit's core, as a user of the published package calls it, on
 * whatever runtime imports this file (Node, Bun, Deno, workerd). Plain JavaScript and web APIs
 * only (fetch, FormData, Blob, TextEncoder), so that every runtime runs the very same code.
 *
 * `conformance(config)` runs every check against an empty bucket and resolves to one result
 * per check; it never throws. The entries (main.mjs, worker.mjs) print the results.
 */
import { ObjectNotFoundError, S3, ValidationError } from "s3kit";

/** How long one check may take before it counts as failed (a hang must not stall the matrix). */
const CHECK_TIMEOUT_MS = 30_000;

class CheckFailed extends Error {}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailed(`${what}: expected ${e}, got ${a}`.slice(0, 400));
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `size` bytes of a pattern, as a web ReadableStream of 64 KiB chunks, and their SHA-256. */
async function patternStream(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 12)) & 255;
  let offset = 0;
  const stream = new ReadableStream({
    pull(controller) {
      if (offset >= size) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 65536));
      offset += 65536;
    },
  });
  return { stream, hash: await sha256(bytes) };
}

/** The file-system and Node-stream features, each of which must fail with a ValidationError. */
const NODE_ONLY = [
  ["download", (bucket) => bucket.download("fs/a.txt", "/tmp/s3kit-a.txt")],
  ["upload(path)", (bucket) => bucket.upload("/tmp/s3kit-a.txt", "fs/b.txt")],
  ["uploadDir", (bucket) => bucket.prefix("fs").uploadDir("/tmp")],
  ["downloadDir", (bucket) => bucket.prefix("fs").downloadDir("/tmp/s3kit")],
  ["stream", (bucket) => bucket.stream("fs/a.txt")],
];

function sorted(values) {
  return [...values].sort();
}

/** The checks, in order; each gets the bucket handle and the S3 it came from. */
const CHECKS = [
  [
    "put",
    async ({ bucket }) => {
      const result = await bucket.put("put/a.txt", "hello");
      expectEqual(result.key, "put/a.txt", "key");
      if (!result.etag) throw new CheckFailed("no etag");
    },
  ],
  [
    "getBytes",
    async ({ bucket }) => {
      await bucket.put("bytes.bin", new Uint8Array([0, 1, 2, 250, 255]));
      const bytes = await bucket.getBytes("bytes.bin");
      if (!(bytes instanceof Uint8Array)) throw new CheckFailed("not a Uint8Array");
      expectEqual([...bytes], [0, 1, 2, 250, 255], "bytes");
    },
  ],
  [
    "getText",
    async ({ bucket }) => {
      await bucket.put("text.txt", "grüße, 世界");
      expectEqual(await bucket.getText("text.txt"), "grüße, 世界", "text");
    },
  ],
  [
    "getJson",
    async ({ bucket }) => {
      await bucket.put("doc.json", { env: "prod", n: [1, 2] });
      expectEqual(await bucket.getJson("doc.json"), { env: "prod", n: [1, 2] }, "json");
    },
  ],
  [
    "head",
    async ({ bucket }) => {
      await bucket.put("head.json", { a: 1 }, { metadata: { owner: "ci" } });
      const info = await bucket.head("head.json");
      expectEqual(info.contentLength, 7, "contentLength");
      expectEqual(info.contentType, "application/json", "contentType");
      expectEqual(info.metadata, { owner: "ci" }, "metadata");
    },
  ],
  [
    "exists",
    async ({ bucket }) => {
      await bucket.put("here.txt", "x");
      expectEqual(await bucket.exists("here.txt"), true, "present key");
      expectEqual(await bucket.exists("not-here.txt"), false, "missing key");
    },
  ],
  [
    "delete",
    async ({ bucket }) => {
      await bucket.put("gone.txt", "x");
      await bucket.delete("gone.txt");
      expectEqual(await bucket.exists("gone.txt"), false, "exists after delete");
    },
  ],
  [
    "list",
    async ({ bucket }) => {
      for (const name of ["a", "b", "c/d"]) await bucket.put(`list/${name}`, name);
      const all = await bucket.prefix("list").list();
      expectEqual(sorted(all.map((o) => o.name)), ["a", "b", "c/d"], "names");
      const top = await bucket.prefix("list").list({ recursive: false });
      expectEqual(sorted(top.map((o) => o.name)), ["a", "b"], "names at one level");
    },
  ],
  [
    "folders",
    async ({ bucket }) => {
      for (const key of ["tree/x/1", "tree/y/2", "tree/top"]) await bucket.put(key, "v");
      const paths = [];
      for await (const folder of bucket.prefix("tree").folders()) paths.push(folder.path);
      expectEqual(sorted(paths), ["tree/x/", "tree/y/"], "folders");
    },
  ],
  [
    "copy",
    async ({ bucket }) => {
      await bucket.put("copy/src.txt", "copied", { metadata: { kind: "src" } });
      await bucket.copy("copy/src.txt", "copy/dest.txt");
      expectEqual(await bucket.getText("copy/dest.txt"), "copied", "copy's text");
      expectEqual((await bucket.head("copy/dest.txt")).metadata, { kind: "src" }, "metadata");
    },
  ],
  [
    "deleteMany",
    async ({ bucket }) => {
      const keys = ["many/1", "many/2", "many/3"];
      for (const key of keys) await bucket.put(key, key);
      const result = await bucket.deleteMany(keys);
      expectEqual(result.failed, [], "failed");
      expectEqual(sorted(result.deleted), keys, "deleted");
      expectEqual(await bucket.prefix("many").list(), [], "left after deleteMany");
    },
  ],
  [
    "copyMany",
    async ({ bucket }) => {
      await bucket.put("cm/a", "A");
      await bucket.put("cm/b", "B");
      const result = await bucket.copyMany([
        ["cm/a", "cm/a2"],
        ["cm/b", "cm/b2"],
      ]);
      expectEqual(result.failed, [], "failed");
      expectEqual(await bucket.getText("cm/b2"), "B", "copied text");
    },
  ],
  [
    "setTags+getTags",
    async ({ bucket }) => {
      await bucket.put("tagged.txt", "t");
      await bucket.setTags("tagged.txt", { team: "ml", stage: "ci" });
      expectEqual(await bucket.getTags("tagged.txt"), { stage: "ci", team: "ml" }, "tags");
    },
  ],
  [
    "presign GET",
    async ({ bucket }) => {
      await bucket.put("shared.txt", "shared via link");
      const url = await bucket.presign("shared.txt", { expiresIn: 300 });
      // A plain fetch, as a browser or curl would: no credentials, no SDK.
      const response = await fetch(url);
      expectEqual(response.status, 200, "status");
      expectEqual(await response.text(), "shared via link", "body");
    },
  ],
  [
    "presignPost form",
    async ({ bucket }) => {
      const { url, fields } = await bucket.presignPost("posted.txt", {
        maxSize: 1024,
        contentType: "text/plain",
      });
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append("file", new Blob(["posted by form"], { type: "text/plain" }), "posted.txt");
      const response = await fetch(url, { method: "POST", body: form });
      await response.arrayBuffer();
      if (response.status < 200 || response.status > 299) {
        throw new CheckFailed(`form POST answered ${response.status}`);
      }
      expectEqual(await bucket.getText("posted.txt"), "posted by form", "stored body");
    },
  ],
  [
    "open",
    async ({ bucket }) => {
      await bucket.put("open.txt", "0123456789");
      const opened = await bucket.open("open.txt", { range: { offset: 2, length: 3 } });
      expectEqual(opened.status, 206, "status");
      expectEqual(opened.range, { start: 2, end: 4, size: 10 }, "range");
      expectEqual(await new Response(opened.body).text(), "234", "body");
    },
  ],
  [
    "respond",
    async ({ bucket }) => {
      await bucket.put("served.txt", "0123456789");
      const url = "http://app.example/served.txt";
      const ranged = await bucket.respond(
        "served.txt",
        new Request(url, { headers: { range: "bytes=-4" } }),
      );
      expectEqual(ranged.status, 206, "status");
      expectEqual(ranged.headers.get("content-range"), "bytes 6-9/10", "content-range");
      expectEqual(await ranged.text(), "6789", "body");
      const etag = ranged.headers.get("etag") ?? "";
      const again = await bucket.respond(
        "served.txt",
        new Request(url, { headers: { "if-none-match": etag } }),
      );
      expectEqual(again.status, 304, "conditional status");
    },
  ],
  [
    "put stream (multipart)",
    async ({ bucket }) => {
      const partSize = 5 * 1024 * 1024;
      const { stream, hash } = await patternStream(partSize + 100_000);
      const result = await bucket.put("streamed.bin", stream, { partSize });
      if (!result.etag?.endsWith('-2"')) throw new CheckFailed(`etag ${result.etag}: not 2 parts`);
      const back = await bucket.getBytes("streamed.bin");
      expectEqual(back.length, partSize + 100_000, "length read back");
      expectEqual(await sha256(back), hash, "SHA-256 read back");
    },
  ],
  [
    "no file system → ValidationError",
    async ({ bucket }) => {
      await bucket.put("fs/a.txt", "a");
      for (const [feature, call] of NODE_ONLY) {
        const error = await call(bucket).then(
          () => new CheckFailed(`${feature} resolved`),
          (thrown) => thrown,
        );
        if (!(error instanceof ValidationError) || !/needs Node/.test(error.message)) {
          throw new CheckFailed(`${feature}: ${describeError(error)}`);
        }
      }
    },
    (config) => config.fileSystem === false,
  ],
  [
    "missing key → ObjectNotFoundError",
    async ({ bucket }) => {
      try {
        await bucket.getText("no/such/key.txt");
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return;
        throw new CheckFailed(`threw ${error?.name}: ${error?.message}`);
      }
      throw new CheckFailed("getText of a missing key resolved");
    },
  ],
];

/**
 * The names of the checks a runtime runs, in order: every check, but those that hold only
 * where there is no file system (`config.fileSystem` false: Workers) when there is one.
 */
export function checkNames(config) {
  return CHECKS.filter(([, , when]) => !when || when(config)).map(([name]) => name);
}

function describeError(error) {
  if (error instanceof CheckFailed) return error.message;
  const name = error?.name ?? typeof error;
  const message = String(error?.message ?? error).split("\n")[0];
  return `${name}: ${message}`;
}

async function runOne(check, handles) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckFailed(`no answer after ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check(handles), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check against `config.bucket` (which must exist and be empty) on the S3 server
 * `config` names. Resolves to `[{ name, ok, detail? }]`, one per check; never rejects.
 */
export async function conformance(config) {
  let s3;
  try {
    s3 = new S3({
      endpoint: config.endpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxRetries: 1,
    });
  } catch (error) {
    const detail = `new S3() threw ${describeError(error)}`;
    return checkNames(config).map((name) => ({ name, ok: false, detail }));
  }
  const handles = { s3, bucket: s3.bucket(config.bucket) };
  const results = [];
  for (const [name, check, when] of CHECKS) {
    if (!when || when(config)) results.push({ name, ...(await runOne(check, handles)) });
  }
  s3.close();
  return results;
}

/** One line per check, then a summary line `conformance: N/M passed`. */
export function report(results) {
  const lines = results.map((r) => (r.ok ? `ok   ${r.name}` : `FAIL ${r.name} — ${r.detail}`));
  const passed = results.filter((r) => r.ok).length;
  lines.push(`conformance: ${passed}/${results.length} passed`);
  return lines.join("\n");
}
