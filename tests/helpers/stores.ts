import { inject, type TestContext } from "vitest";
import type { StoreName } from "../../scripts/stores/start-store.js";

/**
 * What an integration test may need of the S3 server beyond plain reads, writes, listings and
 * deletes, each with the words the run's summary uses for a store that lacks it
 * ("12 skipped: moto lacks presign enforcement").
 */
export const CAPABILITIES = {
  versioning: "versioning",
  encodedVersionListing: "EncodingType=url in ListObjectVersions (keys XML cannot carry)",
  nullVersion: 'reads of versionId "null"',
  multipartListing: "ListMultipartUploads",
  uploadDates: "the start dates of uploads",
  uploadPartCopy: "UploadPartCopy",
  conditionalWrites: "conditional writes (If-None-Match, If-Match)",
  conditionalReads: "conditional reads (If-Match, If-None-Match, If-(Un)Modified-Since)",
  conditionalCopy: "conditional copies (x-amz-copy-source-if-match)",
  copySourceKeys: "percent-decoding of x-amz-copy-source (keys with + ? # &)",
  exactRanges: "byte ranges as asked (bytes=0-0, bytes=-N)",
  nestedPrefixes: "common prefixes of folders that hold only folders",
  notModifiedHeaders: "Last-Modified and Cache-Control on a GET's 304",
  signatures: "signature checks",
  presignChecks: "presign enforcement",
  postPolicy: "POST policies (conditions checked, the file name variable replaced)",
  postTags: "tags in POST forms (the tagging field)",
  postSuccessActions: "success_action_status and success_action_redirect",
  tagging: "tags sent with a write (x-amz-tagging)",
  sseS3: "SSE-S3",
  storageClasses: "storage class checks (an unknown class refused)",
  multipartEtags: "-N multipart ETags",
  checksums: "additional checksums (x-amz-checksum-*)",
  compositeChecksums: "composite checksums of multipart uploads (CRC32 of the parts' CRC32s)",
  checksumReports: "stored checksums reported by HEAD (x-amz-checksum-mode: ENABLED)",
  fullObjectChecksums: "full-object CRCs of multipart uploads (ChecksumType FULL_OBJECT)",
  requestIds: "request ids",
  bucketCors: "bucket CORS (PutBucketCors)",
  anonymousPolicies: "bucket policies for anonymous requests",
} as const;

/** One thing a test may need of the server. */
export type Capability = keyof typeof CAPABILITIES;

/** A store's profile: what it lacks (everything else it does as S3 does) and how it is run. */
export interface StoreProfile {
  name: StoreName;
  /** How the summary names it. */
  label: string;
  lacks: readonly Capability[];
}

/**
 * Every store the suite runs against (scripts/stores/start-store.ts starts each; the README's
 * "Stores" table says the same for users). No test is skipped on MinIO: a test that needs
 * something MinIO lacks checks what MinIO does instead (bucket CORS).
 */
export const STORES: Record<StoreName, StoreProfile> = {
  // MinIO started with a KMS key (MINIO_KMS_SECRET_KEY), so SSE-S3 works; its CORS is
  // server-wide (MINIO_API_CORS_ALLOW_ORIGIN) and PutBucketCors answers NotImplemented.
  minio: { name: "minio", label: "MinIO", lacks: ["bucketCors"] },
  moto: {
    name: "moto",
    label: "moto",
    lacks: [
      "nullVersion",
      "uploadDates",
      "conditionalCopy",
      "notModifiedHeaders",
      "signatures",
      "presignChecks",
      "postPolicy",
      "postSuccessActions",
      "compositeChecksums",
      "checksumReports",
      "fullObjectChecksums",
      "requestIds",
      "anonymousPolicies",
    ],
  },
  seaweedfs: {
    name: "seaweedfs",
    label: "SeaweedFS",
    lacks: [
      "encodedVersionListing",
      "notModifiedHeaders",
      "postTags",
      "postSuccessActions",
      "sseS3",
    ],
  },
  s3rver: {
    name: "s3rver",
    label: "s3rver",
    lacks: [
      "versioning",
      "encodedVersionListing",
      "nullVersion",
      "multipartListing",
      "uploadDates",
      "uploadPartCopy",
      "conditionalWrites",
      "conditionalReads",
      "conditionalCopy",
      "copySourceKeys",
      "exactRanges",
      "nestedPrefixes",
      "notModifiedHeaders",
      "signatures",
      "presignChecks",
      "postPolicy",
      "postTags",
      "postSuccessActions",
      "tagging",
      "sseS3",
      "storageClasses",
      "multipartEtags",
      "checksums",
      "compositeChecksums",
      "requestIds",
      "anonymousPolicies",
    ],
  },
};

/** The profile of the store this run tests. */
export function testStore(): StoreProfile {
  return STORES[inject("s3Server").store];
}

/** Whether the store under test does `capability` as S3 does. */
export function storeHas(capability: Capability): boolean {
  return !testStore().lacks.includes(capability);
}

/** Why a test needing `capabilities` cannot run on `store` ("moto lacks …"), or undefined. */
export function skipReason(store: StoreProfile, capabilities: Capability[]): string | undefined {
  const missing = capabilities.find((capability) => store.lacks.includes(capability));
  return missing === undefined ? undefined : `${store.label} lacks ${CAPABILITIES[missing]}`;
}

/**
 * Skips the running test, with the reason in the run's summary, when the store lacks one of
 * `capabilities`. Call it first in the test. On MinIO it fails the test instead: MinIO is the
 * store every test must run on.
 */
export function needs(context: Pick<TestContext, "skip">, ...capabilities: Capability[]): void {
  const store = testStore();
  const reason = skipReason(store, capabilities);
  if (reason === undefined) return;
  if (store.name === "minio") throw new Error(`no test may be skipped on MinIO: ${reason}`);
  context.skip(reason);
}
