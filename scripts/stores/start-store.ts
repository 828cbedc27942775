import { randomBytes } from "node:crypto";
import { ensureMinio, startMinio } from "../minio.js";
import { ensureMoto, startMoto } from "./moto.js";
import { ensureS3rver, startS3rver } from "./s3rver.js";
import { ensureSeaweedfs, startSeaweedfs } from "./seaweedfs.js";
import type { StoreServer } from "./store-server.js";

/** The S3 servers the integration suite knows how to start, and has a profile for. */
export const STORE_NAMES = ["minio", "moto", "seaweedfs", "s3rver"] as const;

/** One of the servers the suite can run against. */
export type StoreName = (typeof STORE_NAMES)[number];

/**
 * MinIO with a static KMS key, so that it does SSE-S3 as S3 does (without a KMS it answers
 * NotImplemented to every x-amz-server-side-encryption).
 */
function startMinioWithKms(): Promise<StoreServer> {
  const key = `s3kit-test-key:${randomBytes(32).toString("base64")}`;
  return startMinio({ env: { MINIO_KMS_SECRET_KEY: key } });
}

const starters: Record<StoreName, { ensure(): Promise<string>; start(): Promise<StoreServer> }> = {
  minio: { ensure: ensureMinio, start: startMinioWithKms },
  moto: { ensure: () => ensureMoto(), start: startMoto },
  seaweedfs: { ensure: () => ensureSeaweedfs(), start: startSeaweedfs },
  s3rver: { ensure: () => ensureS3rver(), start: startS3rver },
};

/** `name` as a StoreName (undefined → "minio"), or an Error naming the known ones. */
export function storeName(name: string | undefined): StoreName {
  const value = name || "minio";
  if ((STORE_NAMES as readonly string[]).includes(value)) return value as StoreName;
  throw new Error(`unknown store "${value}": S3KIT_TEST_STORE is one of ${STORE_NAMES.join(", ")}`);
}

/** Builds or installs the store's server where this machine lacks it; returns its program. */
export function ensureStore(name: StoreName): Promise<string> {
  return starters[name].ensure();
}

/** Starts the store on 127.0.0.1 with a free port and a temp dir; `stop()` removes both. */
export function startStore(name: StoreName): Promise<StoreServer> {
  return starters[name].start();
}
