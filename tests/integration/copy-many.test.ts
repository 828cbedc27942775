import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { type CopyPair, isS3Error, ObjectNotFoundError } from "../../src/index.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

async function listAll(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await t.raw.send(
      new ListObjectsV2Command({ Bucket: t.bucket.name, Prefix: prefix, ContinuationToken }),
    );
    for (const object of page.Contents ?? []) keys.push(object.Key ?? "");
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys.sort();
}

describe("copyMany", () => {
  it("copies 200 pairs; the 3 with missing sources come back in input order and shape, and succeed on re-run", async () => {
    const missing = new Set([17, 101, 188]);
    const pairs: CopyPair[] = Array.from({ length: 200 }, (_, i) => {
      const src = `src/${String(i).padStart(3, "0")}.txt`;
      const dest = `dst/${String(i).padStart(3, "0")}.txt`;
      // Both shapes in one input.
      return i % 2 === 0 ? ([src, dest] as const) : { src, dest };
    });
    const limit = pLimit(16);
    await Promise.all(
      pairs.map((_, i) =>
        missing.has(i)
          ? undefined
          : limit(() => t.bucket.put(`src/${String(i).padStart(3, "0")}.txt`, `body ${i}`)),
      ),
    );
    const folder = t.bucket;
    const result = await folder.copyMany(pairs, { concurrency: 8 });
    expect(result.copied).toBe(197);
    expect(result.ok).toBe(false);
    const expectedFailed = [...missing].map((i) => pairs[i]);
    // The very objects passed in, in input order.
    expect(result.failedPairs()).toHaveLength(3);
    for (const [index, pair] of result.failedPairs().entries())
      expect(pair).toBe(expectedFailed[index]);
    expect(result.failed.map((failure) => [failure.src, failure.dest])).toEqual([
      ["src/017.txt", "dst/017.txt"],
      ["src/101.txt", "dst/101.txt"],
      ["src/188.txt", "dst/188.txt"],
    ]);
    for (const failure of result.failed) {
      expect(isS3Error(failure.error)).toBe(true);
      expect(failure.error).toBeInstanceOf(ObjectNotFoundError);
      expect(failure.error.key).toBe(failure.src);
    }
    expect(await listAll("dst/")).toHaveLength(197);
    expect(await t.bucket.getText("dst/000.txt")).toBe("body 0");
    expect(await t.bucket.getText("dst/199.txt")).toBe("body 199");

    for (const i of missing)
      await t.bucket.put(`src/${String(i).padStart(3, "0")}.txt`, `late ${i}`);
    const counts = countRequests(t.s3);
    const retry = await folder.copyMany(result.failedPairs());
    expect(retry).toMatchObject({ copied: 3, failed: [], ok: true });
    expect(retry.failedPairs()).toEqual([]);
    expect(counts.get("CopyObject")).toBe(3);
    expect(await listAll("dst/")).toHaveLength(200);
    expect(await t.bucket.getText("dst/101.txt")).toBe("late 101");
  });

  it("copies under a prefix and into another name space with shared options, from an async iterable", async () => {
    const folder = t.bucket.prefix("photos");
    await folder.put("a.jpg", "A");
    await folder.put("b.jpg", "B");
    async function* pairs() {
      yield { src: "a.jpg", dest: "thumbs/a.jpg" };
      yield { src: "b.jpg", dest: "thumbs/b.jpg" };
      yield { src: "/bad", dest: "thumbs/c.jpg" };
    }
    const result = await folder.copyMany(pairs(), { metadata: { kind: "thumb" } });
    expect(result.copied).toBe(2);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.error.code).toBe("ValidationError");
    expect(result.failedPairs()).toEqual([{ src: "/bad", dest: "thumbs/c.jpg" }]);
    expect((await t.bucket.head("photos/thumbs/a.jpg")).metadata).toEqual({ kind: "thumb" });
    expect(await listAll("photos/thumbs/")).toEqual(["photos/thumbs/a.jpg", "photos/thumbs/b.jpg"]);
  });
});
