import { randomBytes } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { type PresignedPost, ValidationError } from "../../src/index.js";
import { policyOf, postForm } from "../helpers/forms.js";
import { testS3, useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

const t = useTestBucket();
/** The POST variable S3 replaces with the uploaded file's name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's POST variable, not a JS template
const FILENAME = "${filename}";

describe("presign, used with fetch", () => {
  it("a GET URL downloads the object with Node's fetch, as an attachment when asked", async () => {
    const bytes = randomBytes(4096);
    await t.bucket.prefix("files").put("report 1+1.bin", bytes);
    const url = await t.bucket.prefix("files").presign("report 1+1.bin");
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

    const named = await t.bucket.presign("files/report 1+1.bin", {
      filename: "Überblick 2025.bin",
      contentType: "application/x-report",
    });
    const download = await fetch(named);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      "attachment; filename=\"_berblick 2025.bin\"; filename*=UTF-8''%C3%9Cberblick%202025.bin",
    );
    expect(download.headers.get("content-type")).toBe("application/x-report");
    await download.arrayBuffer();
  });

  it("a PUT URL uploads with Node's fetch, a typed one with its content type", async () => {
    const url = await t.bucket.presign("up/a.txt", { method: "PUT" });
    const put = await fetch(url, { method: "PUT", body: "uploaded via URL" });
    expect(put.status).toBe(200);
    expect(await t.bucket.getText("up/a.txt")).toBe("uploaded via URL");

    const typed = await t.bucket.presign("up/b.csv", { method: "PUT", contentType: "text/csv" });
    const ok = await fetch(typed, {
      method: "PUT",
      body: "a,b\n1,2\n",
      headers: { "content-type": "text/csv" },
    });
    expect(ok.status).toBe(200);
    const head = await t.raw.send(
      new HeadObjectCommand({ Bucket: t.bucket.name, Key: "up/b.csv" }),
    );
    expect(head.ContentType).toBe("text/csv");
  });

  it("a PUT URL's signed content type must be the one sent", async (context) => {
    needs(context, "presignChecks");
    await t.bucket.put("up/b.csv", "a,b\n1,2\n");
    const typed = await t.bucket.presign("up/b.csv", { method: "PUT", contentType: "text/csv" });
    const wrong = await fetch(typed, {
      method: "PUT",
      body: "x",
      headers: { "content-type": "text/html" },
    });
    expect(wrong.status).toBe(403);
    await wrong.text();
    expect(await t.bucket.getText("up/b.csv")).toBe("a,b\n1,2\n");
  });

  it("a PUT URL made with checksums 'when-supported' still accepts real bytes", async () => {
    const s3 = testS3({ checksums: "when-supported" });
    try {
      const url = await s3.bucket(t.bucket.name).presign("crc.bin", { method: "PUT" });
      expect(url).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i);
      const bytes = randomBytes(1000);
      const response = await fetch(url, { method: "PUT", body: bytes });
      expect(response.status).toBe(200);
      expect(Buffer.from(await t.bucket.getBytes("crc.bin")).equals(bytes)).toBe(true);
    } finally {
      s3.close();
    }
  });

  it("an expired URL is refused", async (context) => {
    needs(context, "presignChecks");
    await t.bucket.put("short.txt", "soon gone");
    const url = await t.bucket.presign("short.txt", { expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/expired/i);
  });

  it("links to keys with spaces, +, %, ~, quotes, stars and Unicode work both ways", async () => {
    for (const key of ["a b/1+1=2 100%~", "x!y'z(1)*/&$@,;:", "Zürich/日本語 😀.txt"]) {
      const put = await fetch(await t.bucket.presign(key, { method: "PUT" }), {
        method: "PUT",
        body: key,
      });
      expect(put.status, key).toBe(200);
      await put.text();
      const get = await fetch(await t.bucket.presign(key));
      expect(get.status, key).toBe(200);
      expect(await get.text()).toBe(key);
    }
  });

  it("a tampered URL is refused: another key, expiry, response type, signature or signed header list", async (context) => {
    needs(context, "presignChecks");
    await t.bucket.put("signed.txt", "signed");
    await t.bucket.put("other.txt", "other");
    const url = await t.bucket.presign("signed.txt", { expiresIn: 60 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    await ok.text();
    const tampered = (change: (url: URL) => void) => {
      const copy = new URL(url);
      change(copy);
      return copy.href;
    };
    const signature = new URL(url).searchParams.get("X-Amz-Signature") ?? "";
    const flipped = `${signature.startsWith("0") ? "1" : "0"}${signature.slice(1)}`;
    for (const forged of [
      tampered((u) => {
        u.pathname = u.pathname.replace("signed.txt", "other.txt");
      }),
      tampered((u) => u.searchParams.set("X-Amz-Expires", "604800")),
      tampered((u) => u.searchParams.set("response-content-type", "text/html")),
      tampered((u) => u.searchParams.set("X-Amz-Signature", flipped)),
      tampered((u) => u.searchParams.set("X-Amz-SignedHeaders", "host;x-amz-date")),
    ]) {
      const response = await fetch(forged);
      // 403 SignatureDoesNotMatch; MinIO answers 400 for a signed header the request lacks.
      expect([400, 403], forged).toContain(response.status);
      await response.text();
    }
  });

  it("rejects invalid expiresIn values before signing", async () => {
    for (const expiresIn of [0, 604801, 1.5]) {
      await expect(t.bucket.presign("k", { expiresIn })).rejects.toBeInstanceOf(ValidationError);
      await expect(t.bucket.presign("k", { method: "PUT", expiresIn })).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(t.bucket.presignPost("k", { expiresIn })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });
});

describe("presignPost, used with fetch", () => {
  /** Posts `post` with its key field replaced by `key`; returns the status. */
  async function postAs(post: PresignedPost, key: string, filename?: string): Promise<number> {
    const response = await postForm(
      { url: post.url, fields: { ...post.fields, key } },
      new Blob(["intruder"]),
      filename,
    );
    await response.text();
    return response.status;
  }

  it("hardening 8: a form writes exactly its one key; a key holding the filename variable is refused", async (context) => {
    needs(context, "postPolicy");
    const alice = t.bucket.prefix("users/alice");
    const post = await alice.presignPost("profile.json");
    expect(post.fields.key).toBe("users/alice/profile.json");
    const keyConditions = policyOf(post).conditions.filter((condition) =>
      JSON.stringify(condition).includes("key"),
    );
    expect(keyConditions).toEqual([{ key: "users/alice/profile.json" }]);

    const ok = await postForm(post, new Blob(['{"name":"alice"}']));
    expect([201, 204]).toContain(ok.status);
    await ok.text();
    expect(await alice.getText("profile.json")).toBe('{"name":"alice"}');

    // The same signed form, naming another user's key (or a name-picking one): refused, nothing written.
    expect(await postAs(post, "users/bob/profile.json")).toBe(403);
    expect(await postAs(post, `users/alice/${FILENAME}`, "profile.json.bak")).toBe(403);
    expect(await t.bucket.exists("users/bob/profile.json")).toBe(false);
    expect(await t.bucket.exists("users/alice/profile.json.bak")).toBe(false);

    // The SDK would turn these into starts-with conditions: a form for the whole bucket or prefix.
    for (const [scope, key] of [
      [t.bucket, FILENAME],
      [alice, FILENAME],
      [alice, `avatar-${FILENAME}.png`],
      [t.bucket.prefix(FILENAME), "x"],
    ] as const) {
      await expect(scope.presignPost(key)).rejects.toThrow(/keyStartsWith/);
      await expect(scope.presignPost(key)).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it("hardening 8: keyStartsWith lets the poster name the file inside the prefix, never outside", async (context) => {
    needs(context, "postPolicy");
    const uploads = t.bucket.prefix("uploads");
    const post = await uploads.presignPost("", { keyStartsWith: true, maxSize: 1024 });
    expect(post.fields.key).toBe(`uploads/${FILENAME}`);
    expect(policyOf(post).conditions).toContainEqual(["starts-with", "$key", "uploads/"]);
    expect(policyOf(post).conditions).not.toContainEqual({ key: `uploads/${FILENAME}` });

    const ok = await postForm(post, new Blob(["meow"]), "cat.png");
    expect([201, 204]).toContain(ok.status);
    await ok.text();
    expect(await uploads.getText("cat.png")).toBe("meow");

    expect(await postAs(post, "uploads/dogs/rex.png")).toBeLessThan(300);
    expect(await uploads.getText("dogs/rex.png")).toBe("intruder");
    for (const outside of ["users/bob/profile.json", "uploads-x/cat.png", "cat.png"]) {
      expect(await postAs(post, outside)).toBe(403);
      expect(await t.bucket.exists(outside)).toBe(false);
    }

    const named = await uploads.presignPost("img-", { keyStartsWith: true });
    expect(named.fields.key).toBe(`uploads/img-${FILENAME}`);
    const response = await postForm(named, new Blob(["x"]), "1.png");
    expect([201, 204]).toContain(response.status);
    await response.text();
    expect(await uploads.exists("img-1.png")).toBe(true);
    expect(await postAs(named, "uploads/other.png")).toBe(403);

    // Never the whole bucket, never by accident.
    await expect(t.bucket.presignPost("", { keyStartsWith: true })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      uploads.presignPost("a", { keyStartsWith: "yes" as unknown as boolean }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(uploads.presignPost("", {})).rejects.toBeInstanceOf(ValidationError);
  });

  it("a form upload within the conditions is stored", async () => {
    const post = await t.bucket
      .prefix("forms")
      .presignPost("photo.png", { maxSize: 1024, contentType: "image/png" });
    const bytes = randomBytes(800);
    const response = await postForm(post, new Blob([bytes], { type: "image/png" }));
    expect(response.status).toBe(204);
    await response.text();
    expect(Buffer.from(await t.bucket.getBytes("forms/photo.png")).equals(bytes)).toBe(true);
    expect((await t.bucket.head("forms/photo.png")).contentType).toBe("image/png");
  });

  it("an oversize file is refused and nothing is stored", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.presignPost("big.bin", { maxSize: 1024 });
    const response = await postForm(post, new Blob([randomBytes(2048)]));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/EntityTooLarge|too large/i);
    expect(await t.bucket.exists("big.bin")).toBe(false);
  });

  it("a form whose content type breaks the condition is refused", async (context) => {
    needs(context, "postPolicy");
    const post = await t.bucket.presignPost("typed.png", { contentType: "image/png" });
    const fields = { ...post.fields, "Content-Type": "text/html" };
    const response = await postForm({ url: post.url, fields }, new Blob(["<script>"]));
    expect(response.status).toBe(403);
    await response.text();
    expect(await t.bucket.exists("typed.png")).toBe(false);
  });
});
