import { describe, expect, it } from "vitest";
import { S3, S3OperationError } from "../../src/index.js";
import { errorXml, type SeenRequest, startFakeS3 } from "../helpers/fake-s3.js";

const MiB = 1024 * 1024;

function operationOf(request: SeenRequest): string {
  const url = new URL(request.url, "http://fake");
  if (request.method === "POST" && url.searchParams.has("uploads")) return "CreateMultipartUpload";
  if (request.method === "PUT" && url.searchParams.has("partNumber")) return "UploadPart";
  if (request.method === "DELETE" && url.searchParams.has("uploadId"))
    return "AbortMultipartUpload";
  if (request.method === "GET" && url.searchParams.has("uploadId")) return "ListParts";
  return `${request.method} ${url.pathname}`;
}

describe("upload cleanup after a failure", () => {
  it("does not stack its own retries on the SDK's when the store keeps failing", async () => {
    const server = await startFakeS3((request) => {
      switch (operationOf(request)) {
        case "CreateMultipartUpload":
          return {
            status: 200,
            body: '<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>',
          };
        case "UploadPart":
          return { status: 400, body: errorXml("InvalidPart", "refused") };
        default:
          return { status: 503, body: errorXml("ServiceUnavailable", "down") };
      }
    });
    const s3 = new S3({
      endpoint: server.endpoint,
      credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret-key-0000" },
      maxRetries: 2,
      retryDelay: 1,
      maxRetryDelay: 5,
    });
    try {
      await expect(
        s3.bucket("b").upload(new Uint8Array(12 * MiB), "k", { partSize: 5 * MiB, concurrency: 1 }),
      ).rejects.toBeInstanceOf(S3OperationError);
      const counts = new Map<string, number>();
      for (const request of server.requests) {
        const operation = operationOf(request);
        counts.set(operation, (counts.get(operation) ?? 0) + 1);
      }
      // One abort, tried 1 + maxRetries times by the SDK, then cleanup gives up and logs.
      expect(counts.get("AbortMultipartUpload")).toBe(3);
      expect(counts.get("ListParts") ?? 0).toBe(0);
    } finally {
      s3.close();
      await server.close();
    }
  });
});
