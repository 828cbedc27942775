import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type S3OperationError, ValidationError } from "../../src/index.js";
import { errorXml, fakeS3Client, startFakeS3 } from "../helpers/fake-s3.js";
import { countRequests, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

/** Starts a multipart upload with the raw SDK (one small part), returning its id. */
async function startUpload(Key: string): Promise<string> {
  const { UploadId } = await t.raw.send(
    new CreateMultipartUploadCommand({ Bucket: t.bucket.name, Key }),
  );
  await t.raw.send(
    new UploadPartCommand({
      Bucket: t.bucket.name,
      Key,
      UploadId,
      PartNumber: 1,
      Body: Buffer.from("part"),
    }),
  );
  return UploadId ?? "";
}

async function openUploads(): Promise<string[]> {
  const page = await t.raw.send(new ListMultipartUploadsCommand({ Bucket: t.bucket.name }));
  return (page.Uploads ?? []).map((upload) => upload.Key ?? "").sort();
}

describe("abortUploads", () => {
  it("aborts the incomplete uploads under the scope only", async (context) => {
    needs(context, "multipartListing");
    const inside = await startUpload("tmp/a.bin");
    await startUpload("tmp/deep/b with space+plus.bin");
    await startUpload("tmp-archive/c.bin");
    await startUpload("other/d.bin");
    const result = await t.bucket.prefix("tmp").abortUploads();
    expect(result.failed).toEqual([]);
    expect(result.aborted.map((u) => u.key).sort()).toEqual([
      "tmp/a.bin",
      "tmp/deep/b with space+plus.bin",
    ]);
    const a = result.aborted.find((u) => u.key === "tmp/a.bin");
    expect(a).toMatchObject({ name: "a.bin", uploadId: inside });
    expect(a?.initiated).toBeInstanceOf(Date);
    expect(await openUploads()).toEqual(["other/d.bin", "tmp-archive/c.bin"]);
  });

  it("on the bucket aborts everything", async (context) => {
    needs(context, "multipartListing");
    const keys = Array.from({ length: 5 }, (_, i) => `k${i}`);
    for (const key of keys) await startUpload(key);
    await startUpload("k0");
    const result = await t.bucket.abortUploads({ concurrency: 2 });
    expect(result.aborted).toHaveLength(6);
    expect(await openUploads()).toEqual([]);
  });

  it("olderThan spares recent uploads", async (context) => {
    needs(context, "multipartListing", "uploadDates");
    await startUpload("fresh.bin");
    const byAge = await t.bucket.abortUploads({ olderThan: 60 * 60 * 1000 });
    expect(byAge.aborted).toEqual([]);
    const byDate = await t.bucket.abortUploads({ olderThan: new Date(Date.now() - 60_000) });
    expect(byDate.aborted).toEqual([]);
    expect(await openUploads()).toEqual(["fresh.bin"]);
    // A cutoff in the future covers everything started before now.
    const all = await t.bucket.abortUploads({ olderThan: new Date(Date.now() + 60_000) });
    expect(all.aborted.map((u) => u.key)).toEqual(["fresh.bin"]);
    expect(await openUploads()).toEqual([]);
  });

  it("refuses bad options before any request and honours an abort", async () => {
    const counts = countRequests(t.s3);
    await expect(t.bucket.abortUploads({ olderThan: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(t.bucket.abortUploads({ olderThan: new Date("nope") })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      t.bucket.abortUploads({ olderThan: "1d" as unknown as number }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(counts.size).toBe(0);
    const error = await t.bucket
      .abortUploads({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect((error as S3OperationError).code).toBe("Aborted");
  });

  it("follows the key and upload-id markers, decodes keys, and sorts out per-upload failures", async () => {
    // MinIO ignores MaxUploads, so pagination is played by a scripted S3.
    const upload = (key: string, id: string) =>
      `<Upload><Key>${key}</Key><UploadId>${id}</UploadId><Initiated>2020-01-01T00:00:00.000Z</Initiated></Upload>`;
    const page = (truncated: boolean, uploads: string, next = "") =>
      `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><EncodingType>url</EncodingType><IsTruncated>${truncated}</IsTruncated>${next}${uploads}</ListMultipartUploadsResult>`;
    const fake = await startFakeS3((request) => {
      const url = new URL(request.url, "http://fake");
      if (request.method === "GET" && url.searchParams.has("uploads")) {
        if (!url.searchParams.has("key-marker")) {
          return {
            status: 200,
            body: page(
              true,
              upload("logs/a.bin", "u1") + upload("logs/b+c%2Bd.bin", "u2"),
              "<NextKeyMarker>logs/b+c%2Bd.bin</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>",
            ),
          };
        }
        return {
          status: 200,
          body: page(false, upload("logs/gone.bin", "u3") + upload("logs/denied.bin", "u4")),
        };
      }
      if (request.method === "DELETE") {
        const id = url.searchParams.get("uploadId");
        if (id === "u3") return { status: 404, body: errorXml("NoSuchUpload", "gone") };
        if (id === "u4") return { status: 403, body: errorXml("AccessDenied", "no") };
        return { status: 204 };
      }
      return {
        status: 500,
        body: errorXml("InternalError", `unexpected ${request.method} ${request.url}`),
      };
    });
    const s3 = fakeS3Client(fake);
    try {
      const result = await s3.bucket("b").prefix("logs").abortUploads({ concurrency: 1 });
      expect(result.aborted.map((u) => [u.key, u.name, u.uploadId])).toEqual([
        ["logs/a.bin", "a.bin", "u1"],
        ["logs/b c+d.bin", "b c+d.bin", "u2"],
      ]);
      expect(result.aborted[0]!.initiated).toEqual(new Date("2020-01-01T00:00:00.000Z"));
      expect(result.failed.map((f) => [f.key, f.uploadId, f.error.name])).toEqual([
        ["logs/denied.bin", "u4", "AccessDeniedError"],
      ]);
      const lists = fake.requests
        .filter((r) => r.method === "GET")
        .map((r) => Object.fromEntries(new URL(r.url, "http://fake").searchParams));
      expect(lists).toHaveLength(2);
      expect(lists[0]).toMatchObject({ prefix: "logs/", "encoding-type": "url" });
      expect(lists[1]).toMatchObject({
        prefix: "logs/",
        "key-marker": "logs/b c+d.bin",
        "upload-id-marker": "u2",
      });
      const deleted = fake.requests
        .filter((r) => r.method === "DELETE")
        .map((r) => decodeURIComponent(new URL(r.url, "http://fake").pathname));
      expect(deleted).toContain("/b/logs/b c+d.bin");
    } finally {
      s3.close();
      await fake.close();
    }
  });
});
