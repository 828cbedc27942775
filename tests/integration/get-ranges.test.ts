import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PreconditionFailedError, S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { countRequests, putRaw, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();
const MiB = 1024 * 1024;

describe("multi-range reads", () => {
  it("returns slices of the object in input order, coalescing nearby ranges into fewer GETs", async () => {
    const data = randomBytes(5 * MiB);
    await putRaw(t, "data/file.parquet", data);
    const folder = t.bucket.prefix("data");
    const ranges = [
      { offset: 5 * MiB - 8, length: 8 }, // a Parquet footer
      { offset: 0, length: 4 },
      { offset: 100, length: 1000 },
      { offset: 600, length: 1000 }, // overlaps the one before
      { offset: 3 * MiB, length: 64 * 1024 },
      { offset: 4 * MiB + 10, length: 0 },
    ];
    const counts = countRequests(t.s3);
    const results = await folder.getRanges("file.parquet", ranges);
    expect(results.map((bytes) => Buffer.from(bytes))).toEqual(
      ranges.map(({ offset, length }) => data.subarray(offset, offset + length)),
    );
    // 0 … 1600 is one GET, 3 MiB one, the footer one (farther than 1 MiB from 3 MiB + 64 KiB).
    expect(counts.get("GetObject")).toBe(3);
    const apart = await folder.getRanges("file.parquet", ranges, { coalesce: 0 });
    expect(apart).toEqual(results);
    expect(counts.get("GetObject")).toBe(3 + 4);
    const together = await folder.getRanges("file.parquet", ranges, { coalesce: 5 * MiB });
    expect(together).toEqual(results);
    expect(counts.get("GetObject")).toBe(3 + 4 + 1);
  });

  it("a range past the end is clipped; one starting past it fails with InvalidRange (416)", async () => {
    await putRaw(t, "small", "0123456789");
    const [tail] = await t.bucket.getRanges("small", [{ offset: 7, length: 100 }]);
    expect(Buffer.from(tail as Uint8Array).toString()).toBe("789");
    for (const coalesce of [0, 100]) {
      const ranges = [
        { offset: 0, length: 2 },
        { offset: 10, length: 1 },
      ];
      const error = await rejection(t.bucket.getRanges("small", ranges, { coalesce }));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "InvalidRange", status: 416 });
    }
  });

  it("ifMatch and versionId pin every GET; a missing object is ObjectNotFoundError", async () => {
    const etag = await putRaw(t, "k", "abcdefghij");
    const ranges = [
      { offset: 0, length: 2 },
      { offset: 8, length: 2 },
    ];
    const results = await t.bucket.getRanges("k", ranges, { ifMatch: etag, coalesce: 0 });
    expect(results.map((bytes) => Buffer.from(bytes).toString())).toEqual(["ab", "ij"]);
    const stale = await rejection(t.bucket.getRanges("k", ranges, { ifMatch: '"0000"' }));
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    const missing = await rejection(t.bucket.getRanges("nope", ranges));
    expect(missing).toMatchObject({ name: "ObjectNotFoundError", key: "nope" });
  });
});
