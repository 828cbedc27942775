import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { AttemptLog } from "../../src/client/attempt-log.js";
import { fakeCredentials, useFakeS3 } from "../helpers/fake-s3.js";

const fake = useFakeS3();

describe("an attempt Node refused to write", () => {
  it("hardening 2: is never counted as one that may have landed", async () => {
    const server = await fake.start(() => ({ status: 200, headers: { etag: '"e"' } }));
    const client = new S3Client({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: fakeCredentials,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    const attempts = new AttemptLog();
    // A header value Node cannot carry: it throws ERR_INVALID_CHAR before writing a byte.
    const command = new PutObjectCommand({
      Bucket: "bkt",
      Key: "k.txt",
      Body: "x",
      ContentDisposition: 'attachment; filename="report-€.pdf"',
    });
    const error = await attempts
      .on(client)
      .send(command)
      .catch((e: unknown) => e)
      .finally(() => client.destroy());
    expect(error).toMatchObject({ code: "ERR_INVALID_CHAR" });
    expect(server.requests).toHaveLength(0);
    expect(attempts.attempts).toHaveLength(1);
    expect(attempts.mayHaveLanded).toBe(false);
  });
});
