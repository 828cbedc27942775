import type { TestProject } from "vitest/node";
import { type StoreName, startStore, storeName } from "../../scripts/stores/start-store.js";

/** Connection details of the S3 server under test, handed to every test file. */
export interface TestServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Which server it is: picks the capability profile (tests/helpers/stores.ts). */
  store: StoreName;
}

declare module "vitest" {
  export interface ProvidedContext {
    s3Server: TestServer;
  }
}

/**
 * Starts the store under test for the run (on 127.0.0.1, random port, temp dir) and stops it
 * afterwards. S3KIT_TEST_STORE (minio, moto, seaweedfs or s3rver; the project's env or the
 * process's) says which, MinIO by default. S3KIT_TEST_ENDPOINT, S3KIT_TEST_ACCESS_KEY and
 * S3KIT_TEST_SECRET_KEY point the suite at a server already running instead; S3KIT_TEST_STORE
 * then still names its profile.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = { ...process.env, ...project.config.env };
  const store = storeName(env.S3KIT_TEST_STORE);
  const endpoint = env.S3KIT_TEST_ENDPOINT;
  if (endpoint) {
    const accessKeyId = env.S3KIT_TEST_ACCESS_KEY;
    const secretAccessKey = env.S3KIT_TEST_SECRET_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error("S3KIT_TEST_ENDPOINT needs S3KIT_TEST_ACCESS_KEY and S3KIT_TEST_SECRET_KEY");
    }
    const region = env.S3KIT_TEST_REGION ?? "us-east-1";
    project.provide("s3Server", { endpoint, accessKeyId, secretAccessKey, region, store });
    return async () => {};
  }
  const { stop, ...server } = await startStore(store);
  project.provide("s3Server", {
    endpoint: server.endpoint,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    region: server.region,
    store,
  });
  return stop;
}
