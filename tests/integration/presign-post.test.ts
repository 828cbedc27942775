import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { policyOf, postStatus } from "../helpers/forms.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

describe("presignPost conditions: a form that breaks one is refused", () => {
  it("contentType { startsWith }: the poster names an image type; another type, or none, is refused", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.presignPost("avatar", { contentType: { startsWith: "image/" } });
    expect(post.fields["Content-Type"]).toBeUndefined();
    expect(policyOf(post).conditions).toContainEqual(["starts-with", "$Content-Type", "image/"]);
    const file = new Blob([randomBytes(100)]);
    expect((await postStatus(post, file, { "Content-Type": "text/html" })).status).toBe(403);
    expect((await postStatus(post, file)).status).toBe(403);
    expect(await t.bucket.exists("avatar")).toBe(false);
    expect((await postStatus(post, file, { "Content-Type": "image/webp" })).status).toBe(204);
    expect((await t.bucket.head("avatar")).contentType).toBe("image/webp");
  });

  it("size: maxSize and minSize bound the file; one outside the range is refused", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.presignPost("sized.bin", { minSize: 10, maxSize: 100 });
    const tooSmall = await postStatus(post, new Blob([randomBytes(9)]));
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.text).toMatch(/EntityTooSmall|too small/i);
    expect((await postStatus(post, new Blob([randomBytes(101)]))).status).toBe(400);
    expect(await t.bucket.exists("sized.bin")).toBe(false);
    expect((await postStatus(post, new Blob([randomBytes(100)]))).status).toBe(204);
  });

  it("metadata, Content-Disposition and Cache-Control are stored; a form changing one is refused", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.prefix("docs").presignPost("report.pdf", {
      contentType: "application/pdf",
      metadata: { Owner: "alice" },
      contentDisposition: 'attachment; filename="report.pdf"',
      cacheControl: "max-age=60",
    });
    expect(post.fields).toMatchObject({
      "x-amz-meta-owner": "alice",
      "Content-Disposition": 'attachment; filename="report.pdf"',
      "Cache-Control": "max-age=60",
    });
    const file = new Blob(["%PDF-1.7"]);
    const changes: Record<string, string | null>[] = [
      { "x-amz-meta-owner": "mallory" },
      { "x-amz-meta-role": "admin" },
      { "Content-Disposition": "inline" },
      { "Cache-Control": "max-age=31536000" },
      { "Content-Type": "text/html" },
      { "x-amz-meta-owner": null },
    ];
    for (const change of changes) {
      expect((await postStatus(post, file, change)).status, JSON.stringify(change)).toBe(403);
    }
    expect(await t.bucket.exists("docs/report.pdf")).toBe(false);

    expect((await postStatus(post, file)).status).toBe(204);
    const info = await t.bucket.head("docs/report.pdf");
    expect(info.metadata).toEqual({ owner: "alice" });
    expect(info.contentType).toBe("application/pdf");
    const raw = await fetch(await t.bucket.presign("docs/report.pdf"));
    expect(raw.headers.get("content-disposition")).toBe('attachment; filename="report.pdf"');
    expect(raw.headers.get("cache-control")).toBe("max-age=60");
    await raw.arrayBuffer();
  });

  it("tags go in the form's tagging field: stored; a form changing or leaving it out is refused", async (context) => {
    needs(context, "postPolicy", "postTags");
    const post = await t.bucket.presignPost("tagged.pdf", { tags: { team: "blue", tier: "gold" } });
    expect(post.fields.tagging).toBe(
      "<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag><Tag><Key>tier</Key><Value>gold</Value></Tag></TagSet></Tagging>",
    );
    const file = new Blob(["%PDF-1.7"]);
    for (const change of [
      {
        tagging: "<Tagging><TagSet><Tag><Key>team</Key><Value>red</Value></Tag></TagSet></Tagging>",
      },
      { tagging: null },
    ]) {
      expect((await postStatus(post, file, change)).status, JSON.stringify(change)).toBe(403);
    }
    expect(await t.bucket.exists("tagged.pdf")).toBe(false);
    expect((await postStatus(post, file)).status).toBe(204);
    expect(await t.bucket.getTags("tagged.pdf")).toEqual({ team: "blue", tier: "gold" });
  });

  it("checksumSHA256: a file that does not hash to it is refused", async (context) => {
    needs(context, "postPolicy", "checksums");
    const bytes = randomBytes(3000);
    const post = await t.bucket.presignPost("sum.bin", { checksumSHA256: sha256(bytes) });
    const forged = await postStatus(post, new Blob([randomBytes(3000)]));
    expect(forged.status).toBe(400);
    expect(forged.text).toMatch(/BadDigest|XAmzContentChecksumMismatch|checksum/i);
    expect(await t.bucket.exists("sum.bin")).toBe(false);
    expect((await postStatus(post, new Blob([bytes]))).status).toBe(204);
    expect(Buffer.from(await t.bucket.getBytes("sum.bin")).equals(bytes)).toBe(true);
  });
});

describe("presignPost success answers", () => {
  it("204 by default; successActionStatus 200 or 201 (an XML document naming the key)", async (context) => {
    needs(context, "postSuccessActions", "postPolicy");
    const file = new Blob(["x"]);
    expect((await postStatus(await t.bucket.presignPost("a"), file)).status).toBe(204);
    const ok = await postStatus(
      await t.bucket.presignPost("b", { successActionStatus: 200 }),
      file,
    );
    expect(ok.status).toBe(200);
    const created = await postStatus(
      await t.bucket.presignPost("c", { successActionStatus: 201 }),
      file,
    );
    expect(created.status).toBe(201);
    expect(created.text).toMatch(/<Key>c<\/Key>/);
    const post = await t.bucket.presignPost("d", { successActionStatus: 201 });
    expect((await postStatus(post, file, { success_action_status: "200" })).status).toBe(403);
  });

  it("successActionRedirect sends the browser on with a 303 naming the bucket, key and ETag", async (context) => {
    needs(context, "postSuccessActions", "postPolicy");
    const post = await t.bucket.presignPost("e.txt", {
      successActionRedirect: "https://app.example/done?upload=1",
    });
    const response = await postStatus(post, new Blob(["hello"]));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe("https://app.example/done");
    expect(location.searchParams.get("upload")).toBe("1");
    expect(location.searchParams.get("key")).toBe("e.txt");
    expect(location.searchParams.get("bucket")).toBe(t.bucket.name);
    expect(location.searchParams.get("etag")).toBe((await t.bucket.head("e.txt")).etag);
    expect(await t.bucket.getText("e.txt")).toBe("hello");
    const other = { success_action_redirect: "https://evil.example/" };
    expect((await postStatus(post, new Blob(["x"]), other)).status).toBe(403);
  });
});
