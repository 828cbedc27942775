import type { ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import type { CannedAcl } from "./canned-acl.js";
import type { ChecksumName } from "./checksum-option.js";
import type { SseCustomerKey } from "./customer-key.js";
import { mergeMetadata } from "./write-params.js";

/**
 * Settings applied to every write (put, upload, copy, uploadDir) under a scope, given with
 * `s3.bucket(name, { defaults })` or `scope.prefix(segment, { defaults })`, and
 * `requestPayer`, applied to every request. A child prefix inherits its parent's defaults;
 * its own win, and metadata is merged key by key. Per-call options win over defaults.
 */
export interface ScopeDefaults {
  /** Server-side encryption, e.g. "AES256" or "aws:kms". */
  serverSideEncryption?: ServerSideEncryption | `${ServerSideEncryption}`;
  /** KMS key for "aws:kms" encryption. */
  sseKmsKeyId?: string;
  /**
   * Storage class of the objects written, e.g. "STANDARD_IA" or "GLACIER_IR". Unset, none is
   * sent and the store uses its own default (STANDARD on AWS).
   */
  storageClass?: StorageClass | `${StorageClass}`;
  /** Cache-Control stored with each object and sent back on every GET, e.g. "max-age=3600". */
  cacheControl?: string;
  /**
   * User metadata (x-amz-meta-*) for every object written; a write's own `metadata` is merged
   * over it name by name.
   */
  metadata?: Record<string, string>;
  /**
   * Agree to pay for the requests made under this scope in a requester-pays bucket: every
   * request (reads, writes, parts of uploads, copies, heads, tags, listings, batch deletes)
   * says `x-amz-request-payer: requester`, and presigned URLs sign it in their query. `false`
   * turns off an S3-wide `requestPayer: true` for this scope and below. README, "Requester pays".
   * @default the S3's `requestPayer` (`AWS_REQUESTER_PAYS`), else `false`
   */
  requestPayer?: boolean;
  /**
   * Canned ACL of every object written (x-amz-acl), e.g. "public-read" under a prefix of
   * public assets; also of copies, which S3 never gives the source's ACL (README, "Canned
   * ACLs and the client escape hatch"). Not of presigned links: their uploader would have to
   * send it.
   * @default none sent: the store's default, "private" on S3
   */
  acl?: CannedAcl;
  /**
   * Part size in bytes of the transfers under this scope (upload, put of a stream or Blob,
   * download, copy, uploadDir), 5 MiB … 5 GiB: checked when the scope is made.
   * @default `undefined`: each operation's own (16 MiB upload, 8 MiB download, 64 MiB copy)
   */
  partSize?: number;
  /**
   * Requests a transfer under this scope keeps in flight, 1 … 64: the parts of an upload,
   * download or copy, the files of an uploadDir or downloadDir. Checked when the scope is made.
   * @default `undefined`: each operation's own (4 upload and copy, 8 download and the trees)
   */
  concurrency?: number;
  /**
   * The checksum computed and sent with every write under this scope (put, upload, uploadDir;
   * README "Checksums"); a call's own `checksum` wins.
   * @default `undefined`: none of s3kit's (see S3Options.checksums for the SDK's CRC32)
   */
  checksum?: ChecksumName;
  /**
   * A customer-provided key (SSE-C, README "Customer-provided keys"): unlike the settings
   * above it applies to reads too (get*, stream, lines, open, head, exists, respond,
   * download, a copy's source and destination, presign). `null` in a child prefix drops the
   * parent's.
   * @default none
   */
  sseCustomerKey?: SseCustomerKey | null;
}

/** Merges a child's defaults over its parent's. */
export function mergeDefaults(
  parent: ScopeDefaults,
  child: ScopeDefaults | undefined,
): ScopeDefaults {
  if (!child) return parent;
  const merged: ScopeDefaults = { ...parent, ...child };
  if (parent.metadata || child.metadata)
    merged.metadata = mergeMetadata(parent.metadata, child.metadata);
  return merged;
}
