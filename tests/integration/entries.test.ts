import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { forEachLimited } from "../../src/common/pool.js";
import { type Entry, Prefix } from "../../src/index.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

async function seed(keys: Iterable<string>): Promise<void> {
  await forEachLimited(keys, 16, async (Key) => {
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body: Key }));
  });
}

async function collect(entries: AsyncIterable<Entry>): Promise<string[]> {
  const seen: string[] = [];
  for await (const entry of entries) {
    seen.push(entry.type === "folder" ? `${entry.prefix.path}` : entry.object.key);
  }
  return seen;
}

describe("one listing for a file browser", () => {
  // "." and "-" sort before "/", "0" after it; "é" and "😀" after ASCII, "😀" after "Ａ" (U+FF21), which UTF-16 would put after it.
  const keys = [
    "home/a-b.txt",
    "home/a.txt",
    "home/a/1.txt",
    "home/a/2/deep.txt",
    "home/a0",
    "home/z/x",
    "home/é.txt",
    "home/\uff21",
    "home/😀/x",
    "home/😀.txt",
    "outside.txt",
  ];
  const level = [
    "home/a-b.txt",
    "home/a.txt",
    "home/a/",
    "home/a0",
    "home/z/",
    "home/é.txt",
    "home/\uff21",
    "home/😀.txt",
    "home/😀/",
  ];

  it("yields folders and objects of one level in S3's key order, from one listing", async () => {
    await seed(keys);
    const home = t.bucket.prefix("home");
    const counts = countRequests(t.s3);
    expect(await collect(home.entries())).toEqual(level);
    expect(counts.get("ListObjectsV2")).toBe(1);
    // The same across pages of 2 entries, folders and objects counting alike.
    expect(await collect(home.entries({ pageSize: 2 }))).toEqual(level);
    expect(counts.get("ListObjectsV2")).toBe(1 + 5);
  });

  it("folders are Prefix handles with the scope's defaults; objects carry their summary", async () => {
    await seed(["docs/readme.md", "docs/img/logo.png"]);
    const docs = t.bucket.prefix("docs", { defaults: { cacheControl: "max-age=60" } });
    const entries: Entry[] = [];
    for await (const entry of docs.entries()) entries.push(entry);
    expect(entries.map((entry) => [entry.type, entry.name])).toEqual([
      ["folder", "img"],
      ["object", "readme.md"],
    ]);
    const [folder, object] = entries;
    if (folder?.type !== "folder" || object?.type !== "object") throw new Error("wrong types");
    expect(folder.prefix).toBeInstanceOf(Prefix);
    expect(folder.prefix.defaults).toEqual({ cacheControl: "max-age=60" });
    expect(await folder.prefix.getText("logo.png")).toBe("docs/img/logo.png");
    expect(object.object).toMatchObject({ key: "docs/readme.md", size: 14 });
  });

  it("limit and startAfter page a browser view; a break sends nothing further", async () => {
    await seed(keys);
    const home = t.bucket.prefix("home");
    expect(await collect(home.entries({ limit: 3 }))).toEqual(level.slice(0, 3));
    expect(await collect(home.entries({ startAfter: "a/", limit: 2 }))).toEqual(level.slice(3, 5));
    const counts = countRequests(t.s3);
    for await (const _ of home.entries({ pageSize: 1 })) break;
    expect(counts.get("ListObjectsV2")).toBe(1);
  });
});
