import { GetObjectTaggingCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { ObjectNotFoundError, ValidationError } from "../../src/index.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

async function rawTags(Key: string): Promise<Record<string, string>> {
  const response = await t.raw.send(new GetObjectTaggingCommand({ Bucket: t.bucket.name, Key }));
  return Object.fromEntries((response.TagSet ?? []).map((tag) => [tag.Key, tag.Value]));
}

describe("tags", () => {
  it("setTags replaces the whole set, getTags reads it back, head withTags includes it", async () => {
    const folder = t.bucket.prefix("docs");
    await folder.put("a.txt", "x", { tags: { old: "1", keep: "no" } });
    // Every character class S3 allows in tags (MinIO refuses non-ASCII letters, AWS does not).
    await folder.setTags("a.txt", {
      team: "storage",
      "cost center": "a+b=c d:/@",
      "x-y_z.1": "-_.",
    });
    const expected = { team: "storage", "cost center": "a+b=c d:/@", "x-y_z.1": "-_." };
    expect(await rawTags("docs/a.txt")).toEqual(expected);
    expect(await folder.getTags("a.txt")).toEqual(expected);
    const info = await folder.head("a.txt", { withTags: true });
    expect(info.tags).toEqual(expected);
    expect(info).toMatchObject({ key: "docs/a.txt", name: "a.txt" });
    const plain = await folder.head("a.txt");
    expect(plain.tags).toBeUndefined();
  });

  it("setTags(key, {}) removes every tag", async (context) => {
    needs(context, "tagging");
    await t.bucket.put("b.txt", "x", { tags: { a: "1", b: "2" } });
    expect(await t.bucket.getTags("b.txt")).toEqual({ a: "1", b: "2" });
    await t.bucket.setTags("b.txt", {});
    expect(await rawTags("b.txt")).toEqual({});
    expect(await t.bucket.getTags("b.txt")).toEqual({});
  });

  it("put with tags stores them with the object, and empty values survive", async (context) => {
    needs(context, "tagging");
    await t.bucket.put("c.txt", "x", { tags: { flag: "", v: "1" } });
    expect(await t.bucket.getTags("c.txt")).toEqual({ flag: "", v: "1" });
  });

  it("refuses more than 10 tags and over-long keys or values before any request", async () => {
    await t.bucket.put("d.txt", "x");
    const counts = countRequests(t.s3);
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]));
    await expect(t.bucket.setTags("d.txt", eleven)).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.setTags("d.txt", { ["k".repeat(129)]: "v" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.setTags("d.txt", { k: "v".repeat(257) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.setTags("d.txt", { k: 1 as unknown as string })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(t.bucket.setTags("/d.txt", { k: "v" })).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
    // The limits themselves are accepted.
    const ten = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`${"k".repeat(126)}${i}`, "v".repeat(256)]),
    );
    await t.bucket.setTags("d.txt", ten);
    expect(await t.bucket.getTags("d.txt")).toEqual(ten);
  });

  it("tags of a missing object are an ObjectNotFoundError", async () => {
    await expect(t.bucket.getTags("missing.txt")).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(t.bucket.setTags("missing.txt", { a: "1" })).rejects.toBeInstanceOf(
      ObjectNotFoundError,
    );
  });
});
