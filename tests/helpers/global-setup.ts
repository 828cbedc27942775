import type { TestProject } from "vitest/node";
import { startMinio } from "../../scripts/minio.js";

/** Connection details of the S3 server under test, handed to every test file. */
export interface TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    s3Server: TestServer;
  }
}

/**
 * Starts one MinIO for the run (on 127.0.0.1, random port, temp dir, random credentials) and
 * stops it afterwards. S3KIT_TEST_ENDPOINT, S3KIT_TEST_ACCESS_KEY and S3KIT_TEST_SECRET_KEY
 * point the suite at another S3-compatible server instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const endpoint = process.env.S3KIT_TEST_ENDPOINT;
  if (endpoint) {
    const accessKeyId = process.env.S3KIT_TEST_ACCESS_KEY;
    const secretAccessKey = process.env.S3KIT_TEST_SECRET_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error("S3KIT_TEST_ENDPOINT needs S3KIT_TEST_ACCESS_KEY and S3KIT_TEST_SECRET_KEY");
    }
    project.provide("s3Server", {
      endpoint,
      accessKeyId,
      secretAccessKey,
      region: process.env.S3KIT_TEST_REGION ?? "us-east-1",
    });
    return async () => {};
  }
  const server = await startMinio();
  project.provide("s3Server", {
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    region: server.region,
  });
  return () => server.stop();
}
