import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fetchInPage, postFormInPage, useBrowserPage } from "../helpers/browser.js";
import { useTestBucket } from "../helpers/s3.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

// A web app on one origin hands out links; the browser uploads to and reads from MinIO on
// another (MinIO answers CORS for every origin by default), as a real page would.
describe("browser uploads and links in headless Chromium", () => {
  const t = useTestBucket();
  const b = useBrowserPage();

  it("uploads a file by a presigned POST form, fields before the file", async () => {
    const form = await t.bucket.presignPost("uploads/photo.txt", {
      maxSize: 1024,
      contentType: "text/plain",
    });
    const seen = await postFormInPage(b.page, form, {
      name: "photo.txt",
      type: "text/plain",
      text: "a file from the browser",
    });
    expect(seen.status).toBe(204);
    expect(await t.bucket.getText("uploads/photo.txt")).toBe("a file from the browser");
  });

  it("refuses a POST larger than maxSize, and stores nothing", async () => {
    const form = await t.bucket.presignPost("uploads/big.txt", { maxSize: 16 });
    const seen = await postFormInPage(b.page, form, {
      name: "big.txt",
      type: "text/plain",
      text: "x".repeat(64),
    });
    expect(seen.status).toBe(400);
    expect(seen.text).toContain("EntityTooLarge");
    expect(await t.bucket.exists("uploads/big.txt")).toBe(false);
  });

  it("refuses a POST whose page changed the signed Content-Type, and stores nothing", async () => {
    const form = await t.bucket.presignPost("uploads/pic.png", { contentType: "image/png" });
    // S3 takes the type from the form's Content-Type field, which the policy signs exactly.
    const tampered = { ...form, fields: { ...form.fields, "Content-Type": "text/html" } };
    const seen = await postFormInPage(b.page, tampered, {
      name: "pic.png",
      type: "text/html",
      text: "<script>alert(1)</script>",
    });
    expect(seen.status).toBe(403);
    expect(seen.text).toContain("AccessDenied");
    expect(await t.bucket.exists("uploads/pic.png")).toBe(false);
  });

  it("uploads by a presigned PUT URL", async () => {
    const url = await t.bucket.presign("uploads/put.txt", {
      method: "PUT",
      contentType: "text/plain",
    });
    const seen = await fetchInPage(b.page, url, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "put from the browser",
    });
    expect(seen.status).toBe(200);
    expect(await t.bucket.getText("uploads/put.txt")).toBe("put from the browser");
  });

  it("refuses a PUT larger than the signed contentLength, and stores nothing", async () => {
    const url = await t.bucket.presign("uploads/sized.txt", {
      method: "PUT",
      contentType: "text/plain",
      contentLength: 16,
    });
    const seen = await fetchInPage(b.page, url, {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "x".repeat(64),
    });
    expect(seen.status).toBe(403);
    expect(await t.bucket.exists("uploads/sized.txt")).toBe(false);
  });

  it("takes an image by a POST form with a content-type prefix, refuses a page of HTML", async () => {
    const form = await t.bucket.presignPost("uploads/avatar.img", {
      maxSize: 1024,
      contentType: { startsWith: "image/" },
    });
    const post = (type: string) =>
      postFormInPage(
        b.page,
        { ...form, fields: { ...form.fields, "Content-Type": type } },
        { name: "avatar", type, text: "not really an image" },
      );
    expect((await post("text/html")).status).toBe(403);
    expect(await t.bucket.exists("uploads/avatar.img")).toBe(false);
    expect((await post("image/png")).status).toBe(204);
    expect((await t.bucket.head("uploads/avatar.img")).contentType).toBe("image/png");
  });

  it("opens a share link without credentials, bytes checked by hash", async () => {
    const body = "shared ".repeat(1000);
    await t.bucket.put("share/doc.txt", body);
    const url = await t.bucket.presign("share/doc.txt", { filename: "doc.txt" });
    const seen = await fetchInPage(b.page, url);
    expect(seen.status).toBe(200);
    expect(seen.sha256).toBe(sha256(body));
  });

  it("refuses an expired link", async () => {
    await t.bucket.put("share/short.txt", "soon gone");
    const url = await t.bucket.presign("share/short.txt", { expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const seen = await fetchInPage(b.page, url);
    expect(seen.status).toBe(403);
    expect(seen.text).toContain("AccessDenied");
  });
});

// A page of the app plays a file the app serves with respond(): the browser's Range requests
// (as a <video> seeking sends them) get 206 parts of the object, and a revisit a 304.
describe("a file served through respond() in headless Chromium", () => {
  const t = useTestBucket();
  const clip = Array.from({ length: 5000 }, (_, i) => `frame ${i};`).join("");
  const b = useBrowserPage(async (request) => {
    const path = new URL(request.url).pathname;
    if (!path.startsWith("/media/")) return undefined;
    return t.bucket.respond(path.slice("/media/".length), request, { cacheControl: "no-cache" });
  });

  it("answers a Range request with 206 and exactly those bytes", async () => {
    await t.bucket.put("clip.txt", clip);
    const seen = await fetchInPage(b.page, `${b.app.url}media/clip.txt`, {
      headers: { range: "bytes=1000-4999" },
    });
    expect(seen.status).toBe(206);
    expect(seen.headers["content-range"]).toBe(`bytes 1000-4999/${clip.length}`);
    expect(seen.sha256).toBe(sha256(clip.slice(1000, 5000)));
  });

  it("answers the whole file, then 304 to the browser's revalidation", async () => {
    await t.bucket.put("clip.txt", clip);
    const whole = await fetchInPage(b.page, `${b.app.url}media/clip.txt`);
    expect(whole.status).toBe(200);
    expect(whole.sha256).toBe(sha256(clip));
    const etag = whole.headers.etag ?? "";
    const again = await fetchInPage(b.page, `${b.app.url}media/clip.txt`, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);
  });

  it("answers 404 for a missing file", async () => {
    const seen = await fetchInPage(b.page, `${b.app.url}media/nothing-here.txt`);
    expect(seen.status).toBe(404);
  });
});
