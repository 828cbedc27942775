import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/**
 * A PUT without a signed header is refused: S3 answers 403 (SignatureDoesNotMatch), MinIO 400
 * (AccessDenied, "headers present in the request which were not signed").
 */
const MISSING_HEADER = [400, 403];

/** PUTs `body` to a presigned URL with `headers`; returns the status (and reads the answer). */
async function putTo(url: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "PUT", body, headers });
  const text = await response.text();
  return { status: response.status, text };
}

describe("a presigned PUT: what is signed must be sent, exactly", () => {
  it("contentLength: a signed size is exact, so a larger and a smaller body are both refused", async (context) => {
    needs(context, "presignChecks");
    const url = await t.bucket.presign("exact.bin", { method: "PUT", contentLength: 1024 });
    expect(new URL(url).searchParams.get("X-Amz-SignedHeaders")).toContain("content-length");
    expect((await putTo(url, randomBytes(1025))).status).toBe(403);
    expect((await putTo(url, randomBytes(1000))).status).toBe(403);
    expect(await t.bucket.exists("exact.bin")).toBe(false);
    const bytes = randomBytes(1024);
    expect((await putTo(url, bytes)).status).toBe(200);
    expect(Buffer.from(await t.bucket.getBytes("exact.bin")).equals(bytes)).toBe(true);
  });

  it("maxSize is refused before signing: a PUT cannot cap its size, presignPost can", async () => {
    const options = { method: "PUT", maxSize: 4 << 20 } as unknown as { method: "PUT" };
    const error = await t.bucket.presign("capped.bin", options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/presignPost\(key, \{ maxSize \}\)/);
  });

  it("checksumSHA256: the header must be sent, and bytes that do not hash to it are refused", async (context) => {
    needs(context, "presignChecks", "checksums");
    const bytes = randomBytes(2000);
    const checksum = sha256(bytes);
    const url = await t.bucket.presign("sum.bin", { method: "PUT", checksumSHA256: checksum });
    const header = { "x-amz-checksum-sha256": checksum };
    expect(new URL(url).searchParams.has("x-amz-checksum-sha256")).toBe(false);
    expect(MISSING_HEADER).toContain((await putTo(url, bytes)).status);
    const forged = await putTo(url, randomBytes(2000), header);
    expect(forged.status).toBe(400);
    expect(forged.text).toMatch(/BadDigest|XAmzContentChecksumMismatch|checksum/i);
    expect(await t.bucket.exists("sum.bin")).toBe(false);
    expect((await putTo(url, bytes, header)).status).toBe(200);
    expect(Buffer.from(await t.bucket.getBytes("sum.bin")).equals(bytes)).toBe(true);
  });

  it("metadata and tags: stored as signed; a PUT leaving one out or changing it is refused", async (context) => {
    needs(context, "presignChecks", "tagging");
    const url = await t.bucket.presign("doc.txt", {
      method: "PUT",
      contentType: "text/plain",
      metadata: { Owner: "alice" },
      tags: { team: "blue" },
    });
    const signed = new URL(url).searchParams.get("X-Amz-SignedHeaders")?.split(";");
    expect(signed).toEqual(expect.arrayContaining(["x-amz-meta-owner", "x-amz-tagging"]));
    const headers = {
      "content-type": "text/plain",
      "x-amz-meta-owner": "alice",
      "x-amz-tagging": "team=blue",
    };
    expect((await putTo(url, "x", { ...headers, "x-amz-meta-owner": "mallory" })).status).toBe(403);
    expect((await putTo(url, "x", { ...headers, "x-amz-tagging": "team=red" })).status).toBe(403);
    const { "x-amz-meta-owner": _, ...withoutOwner } = headers;
    expect(MISSING_HEADER).toContain((await putTo(url, "x", withoutOwner)).status);
    expect(await t.bucket.exists("doc.txt")).toBe(false);

    expect((await putTo(url, "hello", headers)).status).toBe(200);
    const info = await t.bucket.head("doc.txt", { withTags: true });
    expect(info.metadata).toEqual({ owner: "alice" });
    expect(info.tags).toEqual({ team: "blue" });
    expect(info.contentType).toBe("text/plain");
  });

  it('ifNoneMatch "*": the link only creates; on an existing key the PUT is refused with 412', async (context) => {
    needs(context, "presignChecks", "conditionalWrites");
    const url = await t.bucket.presign("once.txt", { method: "PUT", ifNoneMatch: "*" });
    const header = { "if-none-match": "*" };
    expect(MISSING_HEADER).toContain((await putTo(url, "first")).status);
    expect((await putTo(url, "first", header)).status).toBe(200);
    const again = await putTo(url, "second", header);
    expect(again.status).toBe(412);
    expect(await t.bucket.getText("once.txt")).toBe("first");
  });
});
