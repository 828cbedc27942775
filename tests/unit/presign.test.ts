import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it, vi } from "vitest";
import { S3, ValidationError } from "../../src/index.js";

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
    await expect(bucket.presign("k", { method: "PUT", filename: "x.txt" })).rejects.toBeInstanceOf(
      ValidationError,
    );
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

  it("presign of a GET the raw way still needs nothing from the network", async () => {
    // Sanity for the test setup: the SDK presigns GetObject locally too.
    const s3 = awsS3();
    await expect(
      getSignedUrl(s3.client, new GetObjectCommand({ Bucket: "b", Key: "k" })),
    ).resolves.toContain("X-Amz-Signature=");
    s3.close();
  });
});
