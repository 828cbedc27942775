import { describe, expect, it } from "vitest";
import { type Entry, Prefix, S3OperationError, ValidationError } from "../../src/index.js";
import { compareKeys } from "../../src/listing/entries.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { type BucketQuirks, bucketModel, operationOf, xmlReply } from "../helpers/s3-wire.js";

// entries() on the wire against stores that repeat a folder across pages or a whole page,
// which MinIO never does: the scripted bucket plays them.

const fakes = useFakeS3();

/** Folders a/, c/ and e/ of two keys each, between objects: pages end inside folders. */
const keys = ["a/1", "a/2", "a.txt", "b.txt", "c/1", "c/2", "d.txt", "e/1", "e/2", "f.txt"];

async function serveBucket(quirks: BucketQuirks = {}) {
  const model = bucketModel(new Set(keys.map((key) => `folder/${key}`)), quirks);
  const { s3, server } = await fakes.serve((request) => model(request) ?? { status: 204 }, {
    maxRetries: 0,
  });
  return {
    server,
    folder: s3.bucket("b").prefix("folder", { defaults: { cacheControl: "no-cache" } }),
  };
}

async function collect(entries: AsyncIterable<Entry>): Promise<string[]> {
  const seen: string[] = [];
  for await (const entry of entries) {
    seen.push(entry.type === "folder" ? `${entry.prefix.path} (${entry.name})` : entry.object.key);
  }
  return seen;
}

const level = [
  "folder/a.txt", // "." sorts before "/", as in S3's byte order
  "folder/a/ (a)",
  "folder/b.txt",
  "folder/c/ (c)",
  "folder/d.txt",
  "folder/e/ (e)",
  "folder/f.txt",
];

describe("one listing for a file browser", () => {
  it.each([1, 2, 3, 1000])(
    "folders and objects of one level in key order from one listing, pageSize %i",
    async (pageSize) => {
      const { server, folder } = await serveBucket();
      expect(await collect(folder.entries({ pageSize }))).toEqual(level);
      const listings = server.requests.filter((r) => operationOf(r) === "ListObjectsV2");
      expect(listings.every((r) => r.url.includes("delimiter=%2F"))).toBe(true);
    },
  );

  it.each([1, 2, 3])(
    "a folder repeated at the top of the next page (LocalStack, versitygw) is listed once, pageSize %i",
    async (pageSize) => {
      const { folder } = await serveBucket({ repeatPrefixes: true });
      expect(await collect(folder.entries({ pageSize }))).toEqual(level);
    },
  );

  it("a store ignoring Prefix never yields what lies outside the scope", async () => {
    // Listed from the bucket's top, the level holds "top.txt", "folder/" (the scope itself)
    // and "other/": none of them is an entry of the folder.
    const model = bucketModel(new Set(["top.txt", "other/1", "folder/a.txt"]), {
      ignorePrefix: true,
    });
    const { s3 } = await fakes.serve((request) => model(request) ?? { status: 204 });
    expect(await collect(s3.bucket("b").prefix("folder").entries())).toEqual([]);
    expect(await collect(s3.bucket("b").entries())).toEqual([
      "folder/ (folder)",
      "other/ (other)",
      "top.txt",
    ]);
  });

  it("a store that repeats a page fails with PaginationStalled instead of looping", async () => {
    let pages = 0;
    const page = xmlReply(
      "<ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t1</NextContinuationToken><CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes><Contents><Key>b</Key><Size>1</Size></Contents></ListBucketResult>",
    );
    const { s3 } = await fakes.serve(
      () => (++pages > 5 ? { status: 400, body: errorXml("InvalidArgument", "enough") } : page),
      { maxRetries: 0 },
    );
    const error = await rejection(collect(s3.bucket("b").entries()));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    expect(pages).toBe(2);
  });

  it("folders are Prefix handles inheriting the scope's defaults; the union narrows on type", async () => {
    const { folder } = await serveBucket();
    for await (const entry of folder.entries()) {
      if (entry.type === "folder") {
        expect(entry.prefix).toBeInstanceOf(Prefix);
        expect(entry.prefix.defaults).toEqual({ cacheControl: "no-cache" });
      } else {
        expect(entry.name).toBe(entry.object.name);
        expect(entry.object.size).toBe(1);
      }
    }
  });

  it("limit counts folders and objects together; startAfter is relative to the scope", async () => {
    const { server, folder } = await serveBucket();
    expect(await collect(folder.entries({ limit: 3 }))).toEqual(level.slice(0, 3));
    const first = server.requests.find((r: SeenRequest) => operationOf(r) === "ListObjectsV2");
    expect(first?.url).toContain("max-keys=3");
    expect(await collect(folder.entries({ startAfter: "c/2" }))).toEqual(level.slice(4));
  });

  it("bad options are ValidationErrors at the call, before any request", async () => {
    const { server, folder } = await serveBucket();
    for (const options of [{ limit: -1 }, { pageSize: 0 }, { pageSize: 1001 }, { startAfter: 5 }]) {
      expect(() => folder.entries(options as object)).toThrow(ValidationError);
    }
    expect(server.requests).toEqual([]);
  });
});

describe("keys in S3's order", () => {
  it("compares by UTF-8 bytes (code points), not UTF-16 units", () => {
    // U+FFFF is EF BF BF in UTF-8, U+1F600 F0 9F 98 80: after it, though its UTF-16 (D83D…) is before.
    const sorted = ["😀", "\uffff", "a/", "a.txt", "a", "é"].sort(compareKeys);
    expect(sorted).toEqual(["a", "a.txt", "a/", "é", "\uffff", "😀"]);
    expect(compareKeys("same", "same")).toBe(0);
  });
});
