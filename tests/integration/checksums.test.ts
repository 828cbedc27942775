import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { ALGORITHMS, compositeSha256, referenceChecksum } from "../helpers/checksums.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { countRequests, testS3, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

// Item 4 of issue 13 against MinIO: every algorithm, by put and by multipart upload, on both
// transports; head() reports what the store keeps, download() and getBytes() verify it.
const t = useTestBucket();
const dir = useTempDir("checksums");
const MiB = 1024 * 1024;

/** What the store says it keeps of `key`, asked without s3kit. */
async function rawChecksums(key: string) {
  return t.raw.send(
    new HeadObjectCommand({ Bucket: t.bucket.name, Key: key, ChecksumMode: "ENABLED" }),
  );
}

describe("end-to-end checksums", () => {
  for (const transport of ["lean", "sdk"] as const) {
    for (const algorithm of ALGORITHMS) {
      it(`put() with checksum "${algorithm}" (${transport}): the store keeps it, head() reports it, reads verify it`, async (context) => {
        needs(context, "checksums", "checksumReports");
        const s3 = testS3({ transport });
        try {
          const bucket = s3.bucket(t.bucket.name);
          const text = `hello ${algorithm} ${"é".repeat(100)}`;
          const expected = await referenceChecksum(algorithm, new TextEncoder().encode(text));
          await bucket.put("small.txt", text, { checksum: algorithm });
          const info = await bucket.head("small.txt");
          expect(info.checksums[algorithm]).toBe(expected);
          expect(info.checksums.type ?? "FULL_OBJECT").toBe("FULL_OBJECT");
          expect(await bucket.getText("small.txt")).toBe(text);
          const target = join(dir.path, `${transport}-${algorithm}.txt`);
          await bucket.download("small.txt", target);
          expect(await readFile(target, "utf8")).toBe(text);
        } finally {
          s3.close();
        }
      });
    }
  }

  for (const algorithm of ALGORITHMS) {
    it(`upload() in parts with checksum "${algorithm}": each part carries it, the object keeps ${algorithm === "sha256" ? "the composite" : "the full-object"} value`, async (context) => {
      needs(context, "checksums", "compositeChecksums");
      const bytes = randomBytes(11 * MiB);
      const parts = [
        bytes.subarray(0, 5 * MiB),
        bytes.subarray(5 * MiB, 10 * MiB),
        bytes.subarray(10 * MiB),
      ];
      const counts = countRequests(t.s3);
      const stream = Readable.from([bytes.subarray(0, 3 * MiB), bytes.subarray(3 * MiB)]);
      await t.bucket.upload(stream, "big.bin", { checksum: algorithm, partSize: 5 * MiB });
      expect(counts.get("UploadPart")).toBe(3);
      const info = await t.bucket.head("big.bin");
      const raw = await rawChecksums("big.bin");
      if (algorithm === "sha256") {
        expect(info.checksums.sha256).toBe(compositeSha256(parts));
        expect(info.checksums.type ?? "COMPOSITE").toBe("COMPOSITE");
      } else {
        expect(info.checksums[algorithm]).toBe(await referenceChecksum(algorithm, bytes));
        expect(info.checksums.type).toBe("FULL_OBJECT");
      }
      expect(raw.ChecksumType).toBe(info.checksums.type);
      // Verified (a full-object CRC) or not verifiable (composite): both read back whole.
      expect(sha256(await t.bucket.getBytes("big.bin"))).toBe(sha256(bytes));
      const target = join(dir.path, "big.bin");
      await t.bucket.download("big.bin", target, { partSize: 2 * MiB });
      expect(sha256(await readFile(target))).toBe(sha256(bytes));
      expect(await readdir(dir.path)).toEqual(["big.bin"]);
    });
  }

  it("a single-part upload() of a file and of bytes carries the whole body's checksum", async (context) => {
    needs(context, "checksums", "checksumReports");
    const bytes = randomBytes(300 * 1024);
    await t.bucket.upload(bytes, "one.bin", { checksum: "crc32c" });
    const info = await t.bucket.head("one.bin");
    expect(info.checksums.crc32c).toBe(await referenceChecksum("crc32c", bytes));
  });

  it('with checksums "when-supported" the explicit checksum replaces the SDK\'s CRC32', async (context) => {
    needs(context, "checksums", "fullObjectChecksums");
    const s3 = testS3({ checksums: "when-supported" });
    try {
      const bucket = s3.bucket(t.bucket.name);
      const bytes = randomBytes(11 * MiB);
      await bucket.upload(bytes, "ws.bin", { checksum: "crc64nvme", partSize: 5 * MiB });
      await bucket.put("ws.txt", "x", { checksum: "sha256" });
      const big = await rawChecksums("ws.bin");
      expect(big.ChecksumCRC64NVME).toBe(await referenceChecksum("crc64nvme", bytes));
      expect(big.ChecksumCRC32).toBeUndefined();
      const small = await rawChecksums("ws.txt");
      expect(small.ChecksumSHA256).toBe(await referenceChecksum("sha256", Buffer.from("x")));
      expect(small.ChecksumCRC32).toBeUndefined();
      expect(sha256(await bucket.getBytes("ws.bin"))).toBe(sha256(bytes));
    } finally {
      s3.close();
    }
  });

  it("an object written without one: head() reports {} or the store's own, reads succeed", async (context) => {
    needs(context, "checksums");
    await t.raw.send(
      new (await import("@aws-sdk/client-s3")).PutObjectCommand({
        Bucket: t.bucket.name,
        Key: "plain.txt",
        Body: "plain",
      }),
    );
    const info = await t.bucket.head("plain.txt");
    expect(info.checksums.sha256).toBeUndefined();
    expect(await t.bucket.getText("plain.txt")).toBe("plain");
  });
});
