import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { forEachLimited } from "../../src/common/pool.js";
import type { ObjectSummary } from "../../src/index.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

async function seed(keys: Iterable<string>): Promise<void> {
  await forEachLimited(keys, 16, async (Key) => {
    await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key, Body: Key }));
  });
}

const names = (objects: ObjectSummary[]) => objects.map((object) => object.name);

describe("listing filters", () => {
  const noise = Array.from(
    { length: 30 },
    (_, i) => `lake/2024/${String(i).padStart(2, "0")}.json`,
  );
  const keys = [
    ...noise,
    "lake/2025/01/a.json",
    "lake/2025/01/b.csv",
    "lake/2025/02/x/c.json",
    "lake/2025.json",
    "lake/top.json",
    "lake/(a+b)[1].json",
    "lake/a.b.json",
    "lake/été.json",
  ];

  it("glob matches relative names with *, **, ?, classes; its literal start narrows the listing", async () => {
    await seed(keys);
    const lake = t.bucket.prefix("lake");
    const counts = countRequests(t.s3);
    expect(names(await lake.list({ glob: "2025/**/*.json", pageSize: 5 }))).toEqual([
      "2025/01/a.json",
      "2025/02/x/c.json",
    ]);
    // Only lake/2025/ is listed: one page of 3 keys, not the 38 keys of lake/ in pages of 5.
    expect(counts.get("ListObjectsV2")).toBe(1);
    expect(names(await lake.list({ glob: "*.json" }))).toEqual([
      "(a+b)[1].json",
      "2025.json",
      "a.b.json",
      "top.json",
      "été.json",
    ]);
    expect(names(await lake.list({ glob: "\\(a+b)\\[1].json" }))).toEqual(["(a+b)[1].json"]);
    expect(names(await lake.list({ glob: "?t?.json" }))).toEqual(["été.json"]);
    expect(names(await lake.list({ glob: "2024/0[0-2].json" }))).toEqual([
      "2024/00.json",
      "2024/01.json",
      "2024/02.json",
    ]);
    expect(await lake.list({ glob: "**/*.csv" })).toMatchObject([
      { key: "lake/2025/01/b.csv", name: "2025/01/b.csv" },
    ]);
  });

  it("match filters while streaming; glob and match together must both pass", async () => {
    await seed(keys);
    const lake = t.bucket.prefix("lake");
    const small = (_name: string, object: ObjectSummary) => object.size < 15;
    expect(names(await lake.list({ glob: "*.json", match: small }))).toEqual([
      "2025.json",
      "a.b.json",
      "top.json",
    ]);
    const seen: string[] = [];
    for await (const object of lake.iterList({ match: (name) => name.startsWith("2025/") })) {
      seen.push(object.name);
    }
    expect(seen).toEqual(["2025/01/a.json", "2025/01/b.csv", "2025/02/x/c.json"]);
  });

  it("recursive: false with a one-level glob lists only this folder", async () => {
    await seed(keys);
    const lake = t.bucket.prefix("lake", "2025");
    expect(names(await lake.list({ glob: "*", recursive: false }))).toEqual([]);
    expect(names(await t.bucket.prefix("lake").list({ glob: "t*", recursive: false }))).toEqual([
      "top.json",
    ]);
  });
});
