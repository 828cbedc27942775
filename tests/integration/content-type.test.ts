import { Readable } from "node:stream";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import type { PutBody, PutOptions } from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";

// DESIGN.md's rule, which this table pins down: the body type first (a JSON value — plain
// object or array — is application/json, a string is text/plain; charset=utf-8, whatever the
// key), else the key's extension (bytes, Blobs, streams), else application/octet-stream; an
// explicit contentType always wins.

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
  ["page.html", () => "<p>hi</p>", "text/plain; charset=utf-8"],
  ["table.csv", () => "a,b\n1,2", "text/plain; charset=utf-8"],
  ["raw.json", () => '{"a":1}', "text/plain; charset=utf-8"],
  ["readme.md", () => "# title", "text/plain; charset=utf-8"],
  [
    "page-typed.html",
    () => "<p>hi</p>",
    "text/html; charset=utf-8",
    { contentType: "text/html; charset=utf-8" },
  ],
  ["file.unknownext", () => "hello", "text/plain; charset=utf-8"],
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
});
