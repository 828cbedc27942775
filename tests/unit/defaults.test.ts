import { Readable } from "node:stream";
import { CopyObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it, onTestFinished } from "vitest";
import { S3 } from "../../src/index.js";
import { type FakeReply, type FakeS3, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// Server-side encryption cannot be exercised on the test MinIO (it answers 501 NotImplemented
// without a KMS), so these tests check the headers themselves on a loopback server that
// records every request: what S3 would receive, after the whole SDK stack.

const fakes = useFakeS3();

/** Plays enough of S3 for PutObject and a multipart upload to succeed. */
function s3Replies(request: SeenRequest): FakeReply {
  const url = new URL(request.url, "http://x");
  if (request.method === "POST" && url.searchParams.has("uploads")) {
    return {
      status: 200,
      headers: { "content-type": "application/xml" },
      body: "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>upload-1</UploadId></InitiateMultipartUploadResult>",
    };
  }
  if (request.method === "POST" && url.searchParams.has("uploadId")) {
    return {
      status: 200,
      headers: { "content-type": "application/xml" },
      body: '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"done-2"</ETag></CompleteMultipartUploadResult>',
    };
  }
  return { status: 200, headers: { etag: `"part-${url.searchParams.get("partNumber") ?? "0"}"` } };
}

/** The write requests (PUT object / initiate multipart), not parts or completion. */
function writes(server: FakeS3): SeenRequest[] {
  return server.requests.filter((request) => {
    const url = new URL(request.url, "http://x");
    if (request.method === "PUT") return !url.searchParams.has("partNumber");
    return request.method === "POST" && url.searchParams.has("uploads");
  });
}

describe("scope defaults reach S3 as headers on every write", () => {
  it("sends server-side encryption, KMS key, storage class, cache-control and metadata", async () => {
    const { server, s3 } = await fakes.serve(s3Replies);
    const bucket = s3.bucket("b", {
      defaults: {
        serverSideEncryption: "aws:kms",
        sseKmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/abc",
        storageClass: "STANDARD_IA",
        cacheControl: "max-age=60",
        metadata: { team: "core" },
      },
    });
    await bucket.put("a.txt", "hello");
    const [put] = writes(server);
    expect(put?.headers).toMatchObject({
      "x-amz-server-side-encryption": "aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/abc",
      "x-amz-storage-class": "STANDARD_IA",
      "cache-control": "max-age=60",
      "x-amz-meta-team": "core",
    });
  });

  it("applies them to every kind of write: JSON, bytes, stream, upload, multipart upload", async () => {
    const { server, s3 } = await fakes.serve(s3Replies);
    const bucket = s3.bucket("b", {
      defaults: { serverSideEncryption: "AES256", cacheControl: "no-cache" },
    });
    await bucket.put("a.json", { a: 1 });
    await bucket.put("b.bin", new Uint8Array([1, 2, 3]));
    await bucket.put("c.txt", Readable.from([Buffer.from("streamed")]));
    await bucket.upload(new Uint8Array(16), "d.bin");
    await bucket.upload(new Uint8Array(6 * 1024 * 1024), "e.bin", { partSize: 5 * 1024 * 1024 });
    const seen = writes(server);
    expect(seen).toHaveLength(5);
    // The last one is a multipart upload: the headers belong on CreateMultipartUpload.
    expect(seen[4]?.method).toBe("POST");
    for (const request of seen) {
      expect(request.headers["x-amz-server-side-encryption"]).toBe("AES256");
      expect(request.headers["cache-control"]).toBe("no-cache");
    }
  });

  it("a child prefix inherits, overrides, and merges metadata; per-call options win", async () => {
    const { server, s3 } = await fakes.serve(s3Replies);
    const bucket = s3.bucket("b", {
      defaults: {
        serverSideEncryption: "AES256",
        cacheControl: "max-age=60",
        metadata: { team: "core", env: "dev" },
      },
    });
    const logs = bucket.prefix("logs", {
      defaults: { storageClass: "REDUCED_REDUNDANCY", metadata: { env: "prod", app: "api" } },
    });
    const deeper = logs.prefix("2025", { defaults: { cacheControl: "no-store" } });
    await deeper.put("app.log", "line");
    await deeper.put("other.log", "line", {
      cacheControl: "max-age=1",
      metadata: { app: "worker" },
    });
    await bucket.put("root.txt", "x");
    const [first, second, root] = writes(server);
    expect(first?.url).toMatch(/^\/b\/logs\/2025\/app\.log/);
    expect(first?.headers).toMatchObject({
      "x-amz-server-side-encryption": "AES256",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      "cache-control": "no-store",
      "x-amz-meta-team": "core",
      "x-amz-meta-env": "prod",
      "x-amz-meta-app": "api",
    });
    expect(second?.headers).toMatchObject({
      "cache-control": "max-age=1",
      "x-amz-meta-team": "core",
      "x-amz-meta-env": "prod",
      "x-amz-meta-app": "worker",
    });
    // The parent is untouched by its children's defaults.
    expect(root?.headers["x-amz-storage-class"]).toBeUndefined();
    expect(root?.headers["x-amz-meta-app"]).toBeUndefined();
    expect(root?.headers["x-amz-meta-env"]).toBe("dev");
  });

  it("sends no encryption or storage-class header when nothing asks for one", async () => {
    const { server, s3 } = await fakes.serve(s3Replies);
    await s3.bucket("b").put("a.txt", "x");
    const [put] = writes(server);
    expect(put?.headers["x-amz-server-side-encryption"]).toBeUndefined();
    expect(put?.headers["x-amz-storage-class"]).toBeUndefined();
    expect(put?.headers["x-amz-meta-team"]).toBeUndefined();
  });
});

describe("copy takes the placement defaults of its scope", () => {
  it("CopyObject carries the scope's encryption and storage class", async () => {
    // Mocked here only: mockClient(S3Client) replaces send on every S3Client until restored.
    const s3Mock = mockClient(S3Client);
    onTestFinished(() => s3Mock.restore());
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ ContentLength: 3, ETag: '"src"', ContentType: "text/plain" });
    s3Mock.onAnyCommand().resolves({});
    s3Mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"copy"' } });
    const s3 = new S3({ client: new S3Client({ region: "us-east-1" }) });
    const bucket = s3.bucket("b", {
      defaults: { serverSideEncryption: "AES256", storageClass: "REDUCED_REDUNDANCY" },
    });
    await bucket.copy("src.txt", "dest.txt");
    const copies = s3Mock.commandCalls(CopyObjectCommand);
    expect(copies).toHaveLength(1);
    expect(copies[0]?.args[0].input).toMatchObject({
      Bucket: "b",
      Key: "dest.txt",
      ServerSideEncryption: "AES256",
      StorageClass: "REDUCED_REDUNDANCY",
    });
  });
});
