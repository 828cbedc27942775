import type { ServerSideEncryption, StorageClass } from "@aws-sdk/client-s3";
import type { SseCustomerKey } from "./customer-key.js";
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
