import { Readable } from "node:stream";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { PutBody, PutOptions } from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";

// DESIGN.md's rule, which this table pins down: a JSON value (plain object or array) is
// application/json; a string takes the key's extension type when it is textual, with
// "; charset=utf-8", else text/plain; charset=utf-8; other bodies take a Blob's own type, else
// the key's extension, else application/octet-stream; an explicit contentType always wins.

const t = useTestBucket();

/** The Content-Type MinIO stored, read with the raw SDK. */
async function storedType(key: string): Promise<string | undefined> {
  const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: key }));
  return head.ContentType;
}

const bytes = () => new Uint8Array([1, 2, 3]);

const table: Array<[key: string, body: () => PutBody, expected: string, options?: PutOptions]> = [
  // JSON values
  ["doc", () => ({ a: 1 }), "application/json"],
  ["list", () => [1, 2, 3], "application/json"],
  ["object-with.txt", () => ({ a: 1 }), "application/json"],
  ["array-with.csv", () => ["a", "b"], "application/json"],
  // strings
  ["note", () => "hello", "text/plain; charset=utf-8"],
  ["notes.txt", () => "hello", "text/plain; charset=utf-8"],
  ["file.unknownext", () => "hello", "text/plain; charset=utf-8"],
  // hardening 18: a string takes the key's type when that type is textual
  ["page.html", () => "<p>hi</p>", "text/html; charset=utf-8"],
  ["style.css", () => "p {}", "text/css; charset=utf-8"],
  ["app.js", () => "let a;", "text/javascript; charset=utf-8"],
  ["table.csv", () => "a,b\n1,2", "text/csv; charset=utf-8"],
  ["raw.json", () => '{"a":1}', "application/json; charset=utf-8"],
  ["api.jsonld", () => "{}", "application/ld+json; charset=utf-8"],
  ["feed.xml", () => "<a/>", "application/xml; charset=utf-8"],
  ["icon.svg", () => "<svg/>", "image/svg+xml; charset=utf-8"],
  ["readme.md", () => "# title", "text/markdown; charset=utf-8"],
  ["config.yaml", () => "a: 1", "text/yaml; charset=utf-8"],
  // …and text/plain when it is not: a string is not an image, nor a video (.ts is MPEG-2)
  ["image.png", () => "not a png", "text/plain; charset=utf-8"],
  ["types.ts", () => "let a: number;", "text/plain; charset=utf-8"],
  ["archive.tar.gz", () => "text", "text/plain; charset=utf-8"],
  [
    "page-typed.html",
    () => "<p>hi</p>",
    "text/html; charset=utf-8",
    { contentType: "text/html; charset=utf-8" },
  ],
  // bytes
  ["blob", bytes, "application/octet-stream"],
  ["image.png", bytes, "image/png"],
  ["IMAGE.PNG", bytes, "image/png"],
  ["page.html", bytes, "text/html"],
  ["table.csv", bytes, "text/csv"],
  ["data.json", bytes, "application/json"],
  ["archive.tar.gz", bytes, "application/gzip"],
  ["file.unknownext", bytes, "application/octet-stream"],
  ["dir.png/no-extension", bytes, "application/octet-stream"],
  ["buffer.png", () => Buffer.from([1]), "image/png"],
  ["arraybuffer.html", () => new Uint8Array([60]).buffer, "text/html"],
  // streams and blobs
  ["stream.csv", () => Readable.from([Buffer.from("a,b")]), "text/csv"],
  ["stream", () => Readable.from([Buffer.from("x")]), "application/octet-stream"],
  ["web-stream.png", () => new Blob([new Uint8Array([1])]).stream(), "image/png"],
  ["blob-untyped.png", () => new Blob([new Uint8Array([1])]), "image/png"],
  ["blob-typed.bin", () => new Blob(["x"], { type: "text/x-custom" }), "text/x-custom"],
  // explicit override
  ["image.png", bytes, "application/x-custom", { contentType: "application/x-custom" }],
  [
    "doc",
    () => ({ a: 1 }),
    "application/vnd.api+json",
    { contentType: "application/vnd.api+json" },
  ],
  ["page.html", () => "<p>", "text/plain", { contentType: "text/plain" }],
  [
    "stream.csv",
    () => Readable.from([Buffer.from("a")]),
    "text/x-log",
    { contentType: "text/x-log" },
  ],
  [
    "blob-typed.bin",
    () => new Blob(["x"], { type: "text/x-custom" }),
    "application/octet-stream",
    { contentType: "application/octet-stream" },
  ],
];

describe("Content-Type when put is not told one", () => {
  it.each(
    table.map(([key, body, expected, options], i) => [i, key, body, expected, options] as const),
  )("#%i %s → %s", async (i, key, body, expected, options) => {
    const fullKey = `case-${i}/${key}`;
    await t.bucket.put(fullKey, body(), options);
    expect(await storedType(fullKey)).toBe(expected);
    expect((await t.bucket.head(fullKey)).contentType).toBe(expected);
  });

  it("upload() of a path or bytes follows the extension too", async () => {
    await t.bucket.upload(new Uint8Array([1, 2]), "uploaded.png");
    expect(await storedType("uploaded.png")).toBe("image/png");
    await t.bucket.upload(new Uint8Array([1, 2]), "uploaded");
    expect(await storedType("uploaded")).toBe("application/octet-stream");
  });

  it('hardening 18: put("index.html", html) stores text/html; charset=utf-8, a JSON value stays application/json', async () => {
    await t.bucket.put("index.html", "<!doctype html><p>hi</p>");
    expect(await storedType("index.html")).toBe("text/html; charset=utf-8");
    await t.bucket.put("site/data.json", '{"a":1}');
    expect(await storedType("site/data.json")).toBe("application/json; charset=utf-8");
    await t.bucket.put("site/value.json", { a: 1 });
    expect(await storedType("site/value.json")).toBe("application/json");
    await t.bucket.put("logo.png", "not an image");
    expect(await storedType("logo.png")).toBe("text/plain; charset=utf-8");
  });

  it("hardening 18: upload() of a Blob takes the Blob's type, as put() does", async () => {
    const blob = new Blob(["x"], { type: "text/x-custom" });
    await t.bucket.upload(blob, "uploaded-blob.bin");
    expect(await storedType("uploaded-blob.bin")).toBe("text/x-custom");
    await t.bucket.upload(new Blob(["x"]), "uploaded-untyped.png");
    expect(await storedType("uploaded-untyped.png")).toBe("image/png");
    await t.bucket.upload(blob, "uploaded-typed.bin", { contentType: "application/x-mine" });
    expect(await storedType("uploaded-typed.bin")).toBe("application/x-mine");
  });
});
