import { createHmac } from "node:crypto";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it, vi } from "vitest";
import { type PresignOptions, S3, ValidationError } from "../../src/index.js";

const credentials = {
  accessKeyId: "AKIAEXAMPLEEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** Against AWS (no endpoint) with the SDK's checksum defaults: signing is local, nothing is sent. */
function awsS3(options: ConstructorParameters<typeof S3>[0] & { client?: undefined } = {}): S3 {
  return new S3({ region: "us-east-1", credentials, checksums: "when-supported", ...options });
}

function checksumParams(url: string): string[] {
  return [...new URL(url).searchParams.keys()].filter((name) =>
    /^x-amz-(checksum|sdk-checksum)/i.test(name),
  );
}

describe("presign", () => {
  it("PUT URLs carry no checksum, where the bare SDK would embed the empty body's CRC32", async () => {
    const s3 = awsS3();
    // The control: the SDK itself puts x-amz-checksum-crc32=AAAAAA== into the URL.
    const raw = await getSignedUrl(s3.client, new PutObjectCommand({ Bucket: "b", Key: "k" }), {
      expiresIn: 60,
    });
    expect(checksumParams(raw).length).toBeGreaterThan(0);

    const url = await s3.bucket("example-bucket").presign("k", { method: "PUT" });
    expect(checksumParams(url)).toEqual([]);
    const params = new URL(url).searchParams;
    expect(params.get("X-Amz-Expires")).toBe("3600");
    expect(new URL(url).pathname).toBe("/k");
    const typed = await s3
      .bucket("example-bucket")
      .presign("k", { method: "PUT", contentType: "image/png" });
    expect(checksumParams(typed)).toEqual([]);
    expect(new URL(typed).searchParams.get("X-Amz-SignedHeaders")?.split(";")).toContain(
      "content-type",
    );
    s3.close();
  });

  it("GET URLs resolve keys under the prefix and carry no checksum", async () => {
    const s3 = awsS3();
    const url = await s3
      .bucket("example-bucket")
      .prefix("docs")
      .presign("a b+c.txt", { expiresIn: 120 });
    expect(checksumParams(url)).toEqual([]);
    expect(decodeURIComponent(new URL(url).pathname)).toBe("/docs/a b+c.txt");
    expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("120");
    s3.close();
  });

  it("a download filename becomes an attachment disposition with an RFC 6266 filename*", async () => {
    const s3 = awsS3();
    const bucket = s3.bucket("example-bucket");
    const plain = await bucket.presign("k", { filename: "report.pdf" });
    expect(new URL(plain).searchParams.get("response-content-disposition")).toBe(
      'attachment; filename="report.pdf"',
    );
    const unicode = await bucket.presign("k", { filename: 'Zürich (1)\'s "plan".pdf' });
    const disposition = new URL(unicode).searchParams.get("response-content-disposition");
    expect(disposition).toBe(
      "attachment; filename=\"Z_rich (1)'s _plan_.pdf\"; filename*=UTF-8''Z%C3%BCrich%20%281%29%27s%20%22plan%22.pdf",
    );
    const typed = await bucket.presign("k", { contentType: "text/csv", versionId: "v1" });
    expect(new URL(typed).searchParams.get("response-content-type")).toBe("text/csv");
    expect(new URL(typed).searchParams.get("versionId")).toBe("v1");
    s3.close();
  });

  it("refuses expiresIn outside 1 … 604800 whole seconds and bad option combinations", async () => {
    const s3 = awsS3();
    const bucket = s3.bucket("example-bucket");
    for (const expiresIn of [0, 604801, 1.5, -1, Number.NaN]) {
      await expect(bucket.presign("k", { expiresIn })).rejects.toBeInstanceOf(ValidationError);
      await expect(bucket.presignPost("k", { expiresIn })).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(bucket.presign("k", { expiresIn: 604800 })).resolves.toContain(
      "X-Amz-Expires=604800",
    );
    await expect(bucket.presign("k", { expiresIn: 1 })).resolves.toContain("X-Amz-Expires=1&");
    // A type error too: PresignOptions is a union of the GET and the PUT options.
    const putWithFilename = { method: "PUT", filename: "x.txt" } as PresignOptions;
    await expect(bucket.presign("k", putWithFilename)).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.presign("k", { method: "DELETE" as "GET" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(bucket.presign("k", { filename: "a\nb" })).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.presign("/k")).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.presignPost("k", { maxSize: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(bucket.presignPost("k", { minSize: 10, maxSize: 5 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    s3.close();
  });

  it("warns when the credentials expire before the URL would", async () => {
    const warn = vi.fn();
    const expiration = new Date(Date.now() + 10 * 60_000);
    const s3 = awsS3({
      credentials: async () => ({ ...credentials, sessionToken: "token-123456789", expiration }),
      logger: { warn },
    });
    const bucket = s3.bucket("example-bucket");
    await bucket.presign("k", { expiresIn: 60 });
    expect(warn).not.toHaveBeenCalled();
    await bucket.presign("k", { expiresIn: 3600 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({
      operation: "presign",
      bucket: "example-bucket",
      key: "k",
      expiresIn: 3600,
    });
    await bucket.presignPost("k", { expiresIn: 7200 });
    expect(warn).toHaveBeenCalledTimes(2);
    s3.close();
  });

  it("presignPost signs the size and type conditions into the policy", async () => {
    const s3 = awsS3();
    const post = await s3
      .bucket("example-bucket")
      .prefix("up")
      .presignPost("f.png", { maxSize: 1000, contentType: "image/png" });
    expect(post.fields.key).toBe("up/f.png");
    expect(post.fields["Content-Type"]).toBe("image/png");
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? "", "base64").toString("utf8"));
    expect(policy.conditions).toContainEqual(["content-length-range", 0, 1000]);
    expect(policy.conditions).toContainEqual({ "Content-Type": "image/png" });
    expect(policy.conditions).toContainEqual({ key: "up/f.png" });
    s3.close();
  });

  it("presignPost signs its policy itself with SigV4: the signature checks out with node:crypto", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 0, 2, 3, 4, 5, 678) });
    try {
      const s3 = awsS3({
        region: "eu-west-1",
        credentials: { ...credentials, sessionToken: "session-token-123" },
      });
      const post = await s3.bucket("example-bucket").presignPost("a/b.png", { expiresIn: 600 });
      expect(post.url).toBe("https://example-bucket.s3.eu-west-1.amazonaws.com/");
      const { fields } = post;
      expect(fields).toMatchObject({
        key: "a/b.png",
        bucket: "example-bucket",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": `${credentials.accessKeyId}/20250102/eu-west-1/s3/aws4_request`,
        "X-Amz-Date": "20250102T030405Z",
        "X-Amz-Security-Token": "session-token-123",
      });
      const policy = JSON.parse(Buffer.from(fields.Policy ?? "", "base64").toString("utf8"));
      expect(policy.expiration).toBe("2025-01-02T03:14:05Z");
      // Every field but the policy and its signature is pinned by a condition.
      for (const [name, value] of Object.entries(fields)) {
        if (name !== "Policy" && name !== "X-Amz-Signature") {
          expect(policy.conditions).toContainEqual({ [name]: value });
        }
      }
      let key: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`);
      for (const part of ["20250102", "eu-west-1", "s3", "aws4_request"]) {
        key = createHmac("sha256", key).update(part).digest();
      }
      const signature = createHmac("sha256", key)
        .update(fields.Policy ?? "")
        .digest("hex");
      expect(fields["X-Amz-Signature"]).toBe(signature);
      s3.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("presignPost posts to the custom endpoint's path-style bucket URL", async () => {
    const s3 = awsS3({ endpoint: "http://127.0.0.1:9000", forcePathStyle: true });
    const post = await s3.bucket("example-bucket").presignPost("k");
    expect(post.url).toBe("http://127.0.0.1:9000/example-bucket");
    s3.close();
  });

  it("presignPost turns each option into a form field and a policy condition", async () => {
    const s3 = awsS3();
    const checksum = "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=";
    const post = await s3.bucket("example-bucket").presignPost("f.png", {
      contentType: { startsWith: "image/" },
      metadata: { Owner: "alice" },
      contentDisposition: "inline",
      cacheControl: "no-cache",
      tags: { a: "1" },
      checksumSHA256: checksum,
      successActionStatus: 201,
    });
    const expected = {
      "x-amz-meta-owner": "alice",
      "Content-Disposition": "inline",
      "Cache-Control": "no-cache",
      tagging: "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>",
      "x-amz-checksum-algorithm": "SHA256",
      "x-amz-checksum-sha256": checksum,
      success_action_status: "201",
    };
    expect(post.fields).toMatchObject(expected);
    expect(post.fields["Content-Type"]).toBeUndefined();
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? "", "base64").toString("utf8"));
    for (const [name, value] of Object.entries(expected)) {
      expect(policy.conditions).toContainEqual({ [name]: value });
    }
    expect(policy.conditions).toContainEqual(["starts-with", "$Content-Type", "image/"]);
    const redirect = await s3
      .bucket("example-bucket")
      .presignPost("g", { successActionRedirect: "https://app.example/done" });
    expect(redirect.fields.success_action_redirect).toBe("https://app.example/done");
    expect(redirect.fields.success_action_status).toBeUndefined();
    s3.close();
  });

  it("presignPost refuses bad field values and clashing options before signing", async () => {
    const s3 = awsS3();
    const bucket = s3.bucket("example-bucket");
    const bad: unknown[] = [
      { contentType: {} },
      { contentType: { startsWith: "" } },
      { contentType: "bild/\u00e4" },
      { successActionStatus: 202 },
      { successActionStatus: 201, successActionRedirect: "https://app.example/" },
      { successActionRedirect: "ftp://app.example/" },
      { successActionRedirect: "/relative" },
      { checksumSHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" },
      { metadata: { owner: "Jürgen" } },
      { tags: { "bad<tag>": "x" } },
      { cacheControl: "a\nb" },
    ];
    for (const options of bad) {
      const call = bucket.presignPost("k", options as never);
      await expect(call, JSON.stringify(options)).rejects.toBeInstanceOf(ValidationError);
    }
    s3.close();
  });

  it("a PUT link signs each given value as a header the upload must send, not a query parameter", async () => {
    const s3 = awsS3();
    const url = new URL(
      await s3.bucket("example-bucket").presign("k", {
        method: "PUT",
        contentType: "image/png",
        contentLength: 1234,
        checksumSHA256: "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=",
        metadata: { Owner: "alice" },
        tags: { team: "blue" },
        ifNoneMatch: "*",
      }),
    );
    expect(url.searchParams.get("X-Amz-SignedHeaders")?.split(";").sort()).toEqual([
      "content-length",
      "content-type",
      "host",
      "if-none-match",
      "x-amz-checksum-sha256",
      "x-amz-meta-owner",
      "x-amz-tagging",
    ]);
    const query = [...url.searchParams.keys()].map((name) => name.toLowerCase());
    expect(query.filter((name) => /meta|tagging|checksum/.test(name))).toEqual([]);
    s3.close();
  });

  it("a PUT link refuses maxSize (pointing to presignPost), bad values and GET-only options", async () => {
    const s3 = awsS3();
    const bucket = s3.bucket("example-bucket");
    const capped = { method: "PUT", maxSize: 1000 } as unknown as PresignOptions;
    await expect(bucket.presign("k", capped)).rejects.toThrow(/presignPost/);
    const getCapped = { maxSize: 1000 } as unknown as PresignOptions;
    await expect(bucket.presign("k", getCapped)).rejects.toThrow(/presignPost/);
    const bad: unknown[] = [
      { method: "PUT", contentLength: -1 },
      { method: "PUT", contentLength: 1.5 },
      { method: "PUT", contentLength: 6 * 1024 ** 3 },
      { method: "PUT", checksumSHA256: "abc" },
      { method: "PUT", ifNoneMatch: "etag" },
      { method: "PUT", metadata: { "bad name": "x" } },
      { method: "PUT", tags: { a: "<b>" } },
      { method: "PUT", contentType: "typ\u00e9" },
      { method: "PUT", versionId: "v1" },
      { contentLength: 10 },
      { metadata: { a: "b" } },
    ];
    for (const options of bad) {
      const call = bucket.presign("k", options as PresignOptions);
      await expect(call, JSON.stringify(options)).rejects.toBeInstanceOf(ValidationError);
    }
    s3.close();
  });

  it("presign of a GET the raw way still needs nothing from the network", async () => {
    // Sanity for the test setup: the SDK presigns GetObject locally too.
    const s3 = awsS3();
    await expect(
      getSignedUrl(s3.client, new GetObjectCommand({ Bucket: "b", Key: "k" })),
    ).resolves.toContain("X-Amz-Signature=");
    s3.close();
  });
});
