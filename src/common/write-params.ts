import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors/validation-error.js";
import { aclOption } from "./canned-acl.js";
import { checkMetadata, headerOption } from "./checks.js";
import type { ChecksumName } from "./checksum-option.js";
import { callCustomerKey, customerKeyParams } from "./customer-key.js";
import type { ScopeDefaults } from "./defaults.js";
import { encodeTags, type Tags } from "./tags.js";

/**
 * Options of every write (put, upload, uploadDir; copy's replacements). Header values
 * (contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage…) are sent
 * as is, so they must be visible ASCII (spaces and tabs allowed) and not blank.
 */
export interface WriteOptions extends ScopeDefaults {
  /**
   * Content-Type; by default it follows the body and the key's extension.
   * @default `application/json` for a JSON value; for a string the key's extension type when
   * it is textual, else `text/plain`, with `; charset=utf-8`; for other bodies the Blob's own
   * type, else the extension's, else `application/octet-stream`
   */
  contentType?: string;
  /**
   * User metadata (x-amz-meta-*): ASCII names and values, 2 KB in all, no two names differing
   * only in case; merged over the scope's, name by name whatever the case.
   */
  metadata?: Record<string, string>;
  /** Object tags, sent with the write itself so they are never missing on a new object. */
  tags?: Tags;
  /** For a file name outside ASCII, build it with `attachmentDisposition(name)` (RFC 8187). */
  contentDisposition?: string;
  /** Content-Encoding stored with the object, e.g. "gzip" for bytes you compressed yourself. */
  contentEncoding?: string;
  /** Content-Language stored with the object, e.g. "en-US". */
  contentLanguage?: string;
}

/** Options of `put`. */
export interface PutOptions extends WriteOptions {
  /** "*": only create, fail with PreconditionFailedError if the key exists. */
  ifNoneMatch?: "*";
  /** Only overwrite the object with this ETag, else PreconditionFailedError. */
  ifMatch?: string;
  /**
   * Part size in bytes for stream and Blob bodies, which go up in parts when large (as with
   * `upload`): 5 MiB … 5 GiB. Other bodies go up in one PutObject.
   * @default the scope's `partSize`, else 16 * 1024 * 1024
   */
  partSize?: number;
  /**
   * A checksum s3kit computes and sends with the body, which the store checks and keeps
   * (README "Checksums"): "crc64nvme", "crc32c", "crc32" (of the whole object, also after a
   * multipart upload) or "sha256" (a multipart upload keeps the SHA-256 of its parts'). The
   * store refuses the write (BadDigest) when the bytes it got do not match.
   * @default the scope's `checksum`, else none
   */
  checksum?: ChecksumName;
  /**
   * Cancels the write: the call then rejects with S3OperationError, code "Aborted", unless
   * the object turns out to be stored already (a request cancelled once sent is checked).
   */
  signal?: AbortSignal;
}

/** What a write returns. */
export interface PutResult {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that wrote it. */
  name: string;
  /** The new object's ETag, quotes included. */
  etag: string | undefined;
  /** The new object's version id; present only in a bucket with versioning enabled. */
  versionId?: string;
}

/** Where and how an object is stored: its class and encryption (a copy's placement). */
export type PlacementMember =
  | "StorageClass"
  | "ServerSideEncryption"
  | "SSEKMSKeyId"
  | "SSECustomerAlgorithm"
  | "SSECustomerKey"
  | "SSECustomerKeyMD5";

/** The write parameters shared by PutObject, CreateMultipartUpload and CopyObject. */
export type WriteParams = Pick<
  PutObjectCommandInput,
  | "ContentType"
  | "Metadata"
  | "Tagging"
  | "CacheControl"
  | "ContentDisposition"
  | "ContentEncoding"
  | "ContentLanguage"
  | "ACL"
  | PlacementMember
>;

/**
 * The scope's default metadata with the call's over it, name by name; a call's name replaces a
 * default one of any case (S3 keeps metadata names in lower case).
 */
export function mergeMetadata(
  base: Record<string, string> | undefined,
  over: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!base || !over) {
    const only = over ?? base;
    return only && { ...only };
  }
  const replaced = new Set(Object.keys(over).map((name) => name.toLowerCase()));
  const kept = Object.entries(base).filter(([name]) => !replaced.has(name.toLowerCase()));
  return { ...Object.fromEntries(kept), ...over };
}

/**
 * Builds the SDK write parameters from per-call options over the scope's defaults, checking
 * each value. `contentType` is the default to use when the options give none.
 * @throws ValidationError for bad metadata, tags or header values.
 */
export function writeParams(
  defaults: ScopeDefaults,
  options: WriteOptions,
  contentType: string | undefined,
  operation: string,
): WriteParams {
  // Checked before merging: spreading a string would turn "a=b" into { 0: "a", 1: "=", … }.
  if (defaults.metadata !== undefined) checkMetadata(defaults.metadata, operation);
  if (options.metadata !== undefined) checkMetadata(options.metadata, operation);
  const merged = mergeMetadata(defaults.metadata, options.metadata);
  const metadata = merged ? checkMetadata(merged, operation) : undefined;
  const params: WriteParams = {
    ContentType: headerOption(options.contentType, "contentType", operation) ?? contentType,
    Metadata: metadata,
    Tagging: options.tags === undefined ? undefined : encodeTags(options.tags, operation),
    CacheControl: headerOption(
      options.cacheControl ?? defaults.cacheControl,
      "cacheControl",
      operation,
    ),
    ContentDisposition: headerOption(options.contentDisposition, "contentDisposition", operation),
    ContentEncoding: headerOption(options.contentEncoding, "contentEncoding", operation),
    ContentLanguage: headerOption(options.contentLanguage, "contentLanguage", operation),
    StorageClass: headerOption(
      options.storageClass ?? defaults.storageClass,
      "storageClass",
      operation,
    ) as WriteParams["StorageClass"] | undefined,
    ServerSideEncryption: headerOption(
      options.serverSideEncryption ?? defaults.serverSideEncryption,
      "serverSideEncryption",
      operation,
    ) as WriteParams["ServerSideEncryption"] | undefined,
    SSEKMSKeyId: headerOption(
      options.sseKmsKeyId ?? defaults.sseKmsKeyId,
      "sseKmsKeyId",
      operation,
    ),
    ACL: aclOption(options.acl ?? defaults.acl, operation),
  };
  if (params.Tagging === "") params.Tagging = undefined;
  const customerKey = callCustomerKey(defaults, options.sseCustomerKey, operation);
  if (customerKey && params.ServerSideEncryption !== undefined) {
    throw new ValidationError(
      `${operation}: serverSideEncryption and sseCustomerKey exclude each other (S3 encrypts an object one way)`,
      { operation },
    );
  }
  return { ...params, ...customerKeyParams(customerKey) };
}
