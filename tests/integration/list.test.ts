import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { forEachLimited } from "../../src/common/pool.js";
import {
  BucketNotFoundError,
  type ObjectSummary,
  Prefix,
  S3,
  S3OperationError,
  type Scope,
  ValidationError,
} from "../../src/index.js";
import { countRequests, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

/** Writes `keys` with the raw SDK (body: the key itself), so listing is tested on its own. */
async function seed(keys: Iterable<string>): Promise<void> {
  await forEachLimited(keys, 16, async (Key) => {
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body: Key }));
  });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const keysOf = (objects: ObjectSummary[]) => objects.map((o) => o.key);
const namesOf = (objects: ObjectSummary[]) => objects.map((o) => o.name);

describe("pagination", () => {
  it("walks 2,500 keys in pages of 1000 (3 requests), stops early on limit and on break", async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `many/${String(i).padStart(5, "0")}.txt`);
    await seed(keys);
    const folder = t.bucket.prefix("many");
    const counts = countRequests(t.s3);
    const requests = () => counts.get("ListObjectsV2") ?? 0;

    const all = await collect(folder.iterList({ pageSize: 1000 }));
    expect(requests()).toBe(3);
    expect(keysOf(all)).toEqual(keys);
    expect(all[0]).toMatchObject({ key: "many/00000.txt", name: "00000.txt", size: 14 });
    expect(all[0]?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(all[0]?.lastModified).toBeInstanceOf(Date);

    // The default page size is the maximum, 1000: the same three pages.
    counts.clear();
    expect(await collect(folder)).toHaveLength(2500);
    expect(requests()).toBe(3);

    // A limit that ends inside the second page needs two requests, the second one short.
    counts.clear();
    const limited = await folder.list({ limit: 1500 });
    expect(keysOf(limited)).toEqual(keys.slice(0, 1500));
    expect(requests()).toBe(2);

    counts.clear();
    expect(keysOf(await folder.list({ limit: 7, pageSize: 1000 }))).toEqual(keys.slice(0, 7));
    expect(requests()).toBe(1);

    counts.clear();
    expect(await folder.list({ limit: 0 })).toEqual([]);
    expect(requests()).toBe(0);

    // Small pages: every page boundary is crossed without losing or repeating a key.
    counts.clear();
    expect(keysOf(await folder.list({ pageSize: 999, limit: 2001 }))).toEqual(keys.slice(0, 2001));
    expect(requests()).toBe(3);

    // Breaking out of the loop sends nothing more, even with pages left.
    counts.clear();
    let seen = 0;
    for await (const _ of folder.iterList({ pageSize: 100 })) {
      seen += 1;
      if (seen === 150) break;
    }
    expect(seen).toBe(150);
    expect(requests()).toBe(2);
  });

  it("sends nothing until iterated, and checks options at the call", async () => {
    const counts = countRequests(t.s3);
    const iterable = t.bucket.iterList({ pageSize: 10 });
    expect(counts.size).toBe(0);
    expect(await collect(iterable)).toEqual([]);
    expect(counts.get("ListObjectsV2")).toBe(1);

    counts.clear();
    const bad = [
      () => t.bucket.iterList({ pageSize: 0 }),
      () => t.bucket.iterList({ pageSize: 1001 }),
      () => t.bucket.iterList({ pageSize: 2.5 }),
      () => t.bucket.iterList({ limit: -1 }),
      () => t.bucket.iterList({ limit: Number.NaN }),
      () => t.bucket.iterList({ startAfter: "/abs" }),
      () => t.bucket.iterList({ recursive: "no" as unknown as boolean }),
      () => t.bucket.folders({ pageSize: 5000 }),
      () => t.bucket.folders({ limit: 1.5 }),
    ];
    for (const call of bad) expect(call).toThrow(ValidationError);
    await expect(t.bucket.list({ pageSize: -3 })).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
  });
});

describe("options", () => {
  it("startAfter is relative to the scope, and holds across pages", async () => {
    await seed(["p/a", "p/b", "p/c", "p/d", "p/e", "p0", "o"]);
    const p = t.bucket.prefix("p");
    const after = await p.list({ startAfter: "b", pageSize: 2 });
    expect(keysOf(after)).toEqual(["p/c", "p/d", "p/e"]);
    expect(namesOf(after)).toEqual(["c", "d", "e"]);
    // A startAfter that is not itself a key works too.
    expect(namesOf(await p.list({ startAfter: "bb" }))).toEqual(["c", "d", "e"]);
    expect(namesOf(await p.list({ startAfter: "e" }))).toEqual([]);
    // "" is the same as none.
    expect(namesOf(await p.list({ startAfter: "" }))).toEqual(["a", "b", "c", "d", "e"]);
    // On the bucket, startAfter is a full key.
    expect(keysOf(await t.bucket.list({ startAfter: "p/d" }))).toEqual(["p/e", "p0"]);
    expect(keysOf(await t.bucket.list({ startAfter: "p/b", limit: 2 }))).toEqual(["p/c", "p/d"]);
  });

  it("recursive: false lists only the objects directly in the folder", async () => {
    await seed([
      "top.txt",
      "logs/a.txt",
      "logs/b.txt",
      "logs/2025/c.txt",
      "logs/2025/01/d.txt",
      "logs/z.txt",
    ]);
    const logs = t.bucket.prefix("logs");
    expect(namesOf(await logs.list({ recursive: false }))).toEqual(["a.txt", "b.txt", "z.txt"]);
    expect(namesOf(await logs.list({ recursive: false, pageSize: 1 }))).toEqual([
      "a.txt",
      "b.txt",
      "z.txt",
    ]);
    // The limit counts objects, not the folders skipped on the way.
    expect(namesOf(await logs.list({ recursive: false, limit: 2, pageSize: 1 }))).toEqual([
      "a.txt",
      "b.txt",
    ]);
    expect(keysOf(await t.bucket.list({ recursive: false }))).toEqual(["top.txt"]);
    expect(namesOf(await logs.list())).toEqual([
      "2025/01/d.txt",
      "2025/c.txt",
      "a.txt",
      "b.txt",
      "z.txt",
    ]);
  });

  it("an aborted signal stops the listing with an abort error", async () => {
    await seed(["a", "b"]);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = async () => {
      for await (const obj of t.bucket.iterList({ pageSize: 1, signal: controller.signal })) {
        seen.push(obj.key);
        controller.abort();
      }
    };
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect((error as S3OperationError).code).toBe("Aborted");
    expect(seen).toEqual(["a"]);
  });
});

describe("scopes as iterables", () => {
  it("for await over a Prefix or a Bucket yields every object below it", async () => {
    await t.bucket.put("docs/readme.md", "# hi");
    await t.bucket.put("docs/img/logo.png", new Uint8Array([1, 2, 3]));
    await t.bucket.put("other.txt", "x");
    const folder = t.bucket.prefix("docs");
    const found: Array<[string, string, number]> = [];
    for await (const obj of folder) found.push([obj.key, obj.name, obj.size]);
    expect(found).toEqual([
      ["docs/img/logo.png", "img/logo.png", 3],
      ["docs/readme.md", "readme.md", 4],
    ]);
    const everything: string[] = [];
    for await (const obj of t.bucket) everything.push(obj.name);
    expect(everything).toEqual(["docs/img/logo.png", "docs/readme.md", "other.txt"]);
  });

  it("folders() returns Prefix handles one level down, which list and write in place", async () => {
    await seed([
      "a/b/c/deep.txt",
      "a/b/mid.txt",
      "a/x/side.txt",
      "a/file.txt",
      "top.txt",
      "z/last.txt",
    ]);
    const top = await collect(t.bucket.folders());
    expect(top.map((p) => p.path)).toEqual(["a/", "z/"]);
    for (const p of top) {
      expect(p).toBeInstanceOf(Prefix);
      expect(p.bucket).toBe(t.bucket);
      expect(p.bucketName).toBe(t.bucket.name);
    }
    expect(top.map((p) => p.name)).toEqual(["a", "z"]);

    const a = top[0] as Prefix;
    const second = await collect(a.folders());
    expect(second.map((p) => p.path)).toEqual(["a/b/", "a/x/"]);
    const b = second[0] as Prefix;
    expect(namesOf(await b.list())).toEqual(["c/deep.txt", "mid.txt"]);
    expect(namesOf(await b.list({ recursive: false }))).toEqual(["mid.txt"]);
    const third = await collect(b.folders());
    expect(third.map((p) => p.path)).toEqual(["a/b/c/"]);
    expect(await collect((third[0] as Prefix).folders())).toEqual([]);
    expect(await (third[0] as Prefix).getText("deep.txt")).toBe("a/b/c/deep.txt");

    // The handle is a normal Prefix: it equals the one built by hand and writes below itself.
    expect(b.path).toBe(t.bucket.prefix("a", "b").path);
    const written = await b.put("new.txt", "n");
    expect(written.key).toBe("a/b/new.txt");

    expect((await collect(t.bucket.folders({ limit: 1 }))).map((p) => p.path)).toEqual(["a/"]);
    expect((await collect(a.folders({ pageSize: 1 }))).map((p) => p.path)).toEqual([
      "a/b/",
      "a/x/",
    ]);
  });

  it("folder handles inherit the listing scope's defaults", async () => {
    await seed(["d/sub/x.txt"]);
    const scoped = t.bucket.prefix("d", { defaults: { metadata: { team: "core" } } });
    const [sub] = await collect(scoped.folders());
    expect(sub?.path).toBe("d/sub/");
    expect(sub?.defaults).toEqual({ metadata: { team: "core" } });
    await sub?.put("y.txt", "y");
    expect((await t.bucket.head("d/sub/y.txt")).metadata).toEqual({ team: "core" });
  });

  it('prefix("logs") never sees logs-archive/… or the object "logs"', async () => {
    // MinIO cannot hold the object "logs" beside keys below "logs/", so the two cases run apart.
    await seed(["logs", "logs-archive/x.txt", "logsx", "log"]);
    const logs = t.bucket.prefix("logs");
    expect(await logs.list()).toEqual([]);
    expect(await logs.list({ recursive: false })).toEqual([]);
    expect(await collect(logs.folders())).toEqual([]);
    expect(keysOf(await t.bucket.list({ recursive: false }))).toEqual(["log", "logs", "logsx"]);

    await t.bucket.delete("logs");
    await seed(["logs/a.txt", "logs/sub/b.txt"]);
    expect(keysOf(await logs.list())).toEqual(["logs/a.txt", "logs/sub/b.txt"]);
    expect(keysOf(await logs.list({ recursive: false }))).toEqual(["logs/a.txt"]);
    expect((await collect(logs.folders())).map((p) => p.path)).toEqual(["logs/sub/"]);
    // Sorted here: what counts is which folders there are (SeaweedFS lists "logs/" first).
    expect((await collect(t.bucket.folders())).map((p) => p.path).sort()).toEqual([
      "logs-archive/",
      "logs/",
    ]);
  });
});

describe("keys that need encoding", () => {
  const special = [
    "a b.txt",
    "plus+sign.txt",
    "both + and space",
    "100%.txt",
    "%2B literally",
    "what?.txt",
    "hash#tag",
    "amp&eq=semi;colon:comma,at@dollar$",
    "tilde~quote'(paren)!*",
    "ünïcödé/日本語 😀.txt",
    "ctl\u0001char",
    "tab\tkey",
    "dir with space/and+plus/file.txt",
  ];

  /** Stores every special key under sp/, runs `check` on that folder, then removes U+0001. */
  async function withSpecialKeys(check: (folder: Prefix) => Promise<void>): Promise<void> {
    const folder = t.bucket.prefix("sp");
    for (const name of special) await folder.put(name, `body of ${name}`);
    try {
      await check(folder);
    } finally {
      // The test helper's cleanup uses DeleteObjects, whose XML cannot carry U+0001.
      await folder.delete("ctl\u0001char");
    }
  }

  it("round-trip through put → list → get, and startAfter", async () => {
    await withSpecialKeys(async (folder) => {
      const listed = await folder.list({ pageSize: 3 });
      expect(namesOf(listed).sort()).toEqual([...special].sort());
      for (const obj of listed) {
        expect(obj.key).toBe(`sp/${obj.name}`);
        expect(await folder.getText(obj.name)).toBe(`body of ${obj.name}`);
        expect(await t.bucket.getText(obj.key)).toBe(`body of ${obj.name}`);
      }
      // Only decoded keys compare correctly with startAfter: the listing resumes right after it.
      const ordered = namesOf(listed);
      const mid = ordered[5] as string;
      expect(namesOf(await folder.list({ startAfter: mid }))).toEqual(ordered.slice(6));
    });
  });

  it("round-trip through folders(), a folder holding only a folder too", async (context) => {
    needs(context, "nestedPrefixes");
    await withSpecialKeys(async (folder) => {
      const dirs = await collect(folder.folders());
      expect(dirs.map((p) => p.path)).toEqual(["sp/dir with space/", "sp/ünïcödé/"]);
      const inner = await collect((dirs[0] as Prefix).folders());
      expect(inner.map((p) => p.path)).toEqual(["sp/dir with space/and+plus/"]);
      expect(namesOf(await (inner[0] as Prefix).list())).toEqual(["file.txt"]);
      expect(await (inner[0] as Prefix).getText("file.txt")).toBe(
        "body of dir with space/and+plus/file.txt",
      );
    });
  });
});

describe("errors", () => {
  it("a missing bucket fails with BucketNotFoundError while iterating", async () => {
    const missing = t.s3.bucket(uniqueBucketName("missing"));
    const iterate = async (scope: AsyncIterable<unknown>) => {
      for await (const _ of scope) {
        // never reached
      }
    };
    await expect(iterate(missing)).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(
      iterate(missing.prefix("a").iterList({ recursive: false })),
    ).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(iterate(missing.folders())).rejects.toBeInstanceOf(BucketNotFoundError);
    const error = await missing.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BucketNotFoundError);
    expect(error).toMatchObject({
      code: "NoSuchBucket",
      bucket: missing.name,
      operation: "ListObjectsV2",
    });
  });
});

describe("against stores that differ (mocked client)", () => {
  function mocked() {
    const client = new S3Client({
      region: "us-east-1",
      credentials: { accessKeyId: "a", secretAccessKey: "b" },
    });
    const mock = mockClient(client);
    return { s3: new S3({ client }), mock, client };
  }

  it("decodes only when the answer says EncodingType url", async () => {
    const { s3, mock, client } = mocked();
    mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: "p/a+b%2Bc", Size: 1 }], IsTruncated: false })
      .resolvesOnce({
        Contents: [{ Key: "p/a+b%2Bc", Size: 1 }],
        CommonPrefixes: [{ Prefix: "p/x+y%25/" }],
        EncodingType: "url",
        IsTruncated: false,
      })
      .resolvesOnce({
        CommonPrefixes: [{ Prefix: "p/x+y%25/" }],
        EncodingType: "url",
        IsTruncated: false,
      });
    // A store that ignored EncodingType sends keys raw: they must stay as they are.
    expect(keysOf(await s3.bucket("b").prefix("p").list())).toEqual(["p/a+b%2Bc"]);
    // The same bytes from a store that did encode them.
    expect(keysOf(await s3.bucket("b").prefix("p").list())).toEqual(["p/a b+c"]);
    const [folder] = await collect(s3.bucket("b").prefix("p").folders());
    expect(folder?.path).toBe("p/x y%/");
    const input = mock.commandCalls(ListObjectsV2Command)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: "b", Prefix: "p/", EncodingType: "url", MaxKeys: 1000 });
    expect(input?.Delimiter).toBeUndefined();
    client.destroy();
  });

  it("passes the continuation token on, and refuses a truncated page without one", async () => {
    const { s3, mock, client } = mocked();
    mock
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: "a" }], IsTruncated: true, NextContinuationToken: "t1" })
      .resolvesOnce({ Contents: [{ Key: "b" }], IsTruncated: true });
    const scope: Scope = s3.bucket("b");
    const seen: string[] = [];
    const error = await (async () => {
      for await (const obj of scope.iterList({ startAfter: "0" })) seen.push(obj.key);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["a", "b"]);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "MissingContinuationToken" });
    const calls = mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(calls[0]).toMatchObject({ StartAfter: "0", ContinuationToken: undefined });
    expect(calls[1]).toMatchObject({ StartAfter: undefined, ContinuationToken: "t1" });
    client.destroy();
  });

  it("a key that is not valid URL encoding fails as an S3OperationError", async () => {
    const { s3, mock, client } = mocked();
    mock
      .on(ListObjectsV2Command)
      .resolves({ Contents: [{ Key: "bad%E0%A4%A" }], EncodingType: "url" });
    const error = await s3
      .bucket("b")
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidKeyEncoding", bucket: "b" });
    client.destroy();
  });
});
