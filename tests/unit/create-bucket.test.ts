import { afterEach, beforeEach, expect, it } from "vitest";
import { S3, S3Error } from "../../src/index.js";

const saved = { ...process.env };

beforeEach(() => {
  // No region anywhere: not in options, not in the environment, no config file to read.
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_ENDPOINT_URL_S3;
  process.env.AWS_CONFIG_FILE = "/nonexistent/s3kit-config";
  process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/s3kit-credentials";
});

afterEach(() => {
  process.env = { ...saved };
});

it("createBucket without any region fails with an S3Error, not the SDK's bare Error", async () => {
  const s3 = new S3({
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret-0000" },
  });
  try {
    const failure = await s3.createBucket("some-bucket").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(S3Error);
    expect((failure as S3Error).operation).toBe("CreateBucket");
    expect((failure as S3Error).message).toMatch(/region/i);
  } finally {
    s3.close();
  }
});
