import type { ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import type { ChecksumName } from "./checksum-option.js";
import { mergeMetadata } from "./write-params.js";

/**
 * Settings applied to every write (put, upload, copy, uploadDir) under a scope, given with
 * `s3.bucket(name, { defaults })` or `scope.prefix(segment, { defaults })`. A child prefix
 * inherits its parent's defaults; its own win, and metadata is merged key by key.
 * Per-call options win over defaults.
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
