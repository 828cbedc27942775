import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors/validation-error.js";
import type { ScopeDefaults } from "./defaults.js";
import { encodeTags, type Tags } from "./tags.js";

/**
 * Options of every write (put, upload, uploadDir; copy's replacements). Header values
 * (contentType, cacheControl, contentDisposition, contentEncoding, contentLanguage…) are sent
 * as is, so they must be visible ASCII (spaces and tabs allowed) and not blank.
 */
export interface WriteOptions extends ScopeDefaults {
  /** Content-Type; by default it follows the body and the key's extension. */
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
  contentEncoding?: string;
  contentLanguage?: string;
}

/** Options of `put`. */
export interface PutOptions extends WriteOptions {
  /** "*": only create, fail with PreconditionFailedError if the key exists. */
  ifNoneMatch?: "*";
  /** Only overwrite the object with this ETag, else PreconditionFailedError. */
  ifMatch?: string;
  /** Part size in bytes for stream and Blob bodies, which go up in parts when large. */
  partSize?: number;
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
  versionId?: string;
}

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
  | "StorageClass"
  | "ServerSideEncryption"
  | "SSEKMSKeyId"
>;

const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** What an HTTP header value can carry as is: visible ASCII, spaces and tabs (RFC 9110). */
const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;
const MAX_METADATA_BYTES = 2048;

/**
 * Checks user metadata: header-safe names, no two differing only in case (HTTP header names
 * are case-insensitive, so the store would keep one of them), ASCII values, 2 KB in all.
 */
export function checkMetadata(metadata: unknown, operation: string): Record<string, string> {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError(`${operation}: metadata must be an object of strings`, { operation });
  }
  let bytes = 0;
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(metadata)) {
    const clash = names.get(name.toLowerCase());
    if (clash !== undefined) {
      throw new ValidationError(
        `${operation}: metadata names ${JSON.stringify(clash)} and ${JSON.stringify(name)} differ only in case; S3 sends metadata as HTTP headers, whose names ignore case, so only one would be stored`,
        { operation },
      );
    }
    names.set(name.toLowerCase(), name);
    if (!HEADER_TOKEN.test(name)) {
      throw new ValidationError(
        `${operation}: metadata key ${JSON.stringify(name)} is not a valid header name`,
        {
          operation,
        },
      );
    }
    if (typeof value !== "string" || !PRINTABLE_ASCII.test(value)) {
      throw new ValidationError(
        `${operation}: metadata ${JSON.stringify(name)} must be a printable ASCII string (S3 sends metadata as HTTP headers; encode other text, e.g. with encodeURIComponent)`,
        { operation },
      );
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new ValidationError(
      `${operation}: metadata is ${bytes} bytes; S3 allows ${MAX_METADATA_BYTES}`,
      {
        operation,
      },
    );
  }
  return metadata as Record<string, string>;
}

/** Whether `value` can go as an HTTP header value as is: visible ASCII, spaces, tabs; not blank. */
function isHeaderValue(value: unknown): value is string {
  return typeof value === "string" && PRINTABLE_ASCII.test(value) && value.trim() !== "";
}

/** How to send a file name a Content-Disposition cannot carry as is. */
const DISPOSITION_HINT =
  "give a file name outside ASCII as RFC 8187's filename*=UTF-8''<percent-encoded name> after an ASCII filename=\"…\"; attachmentDisposition(name) builds one";

/**
 * A header value option: undefined, or a string of visible ASCII with spaces and tabs, not
 * blank. Anything else would be refused by Node before sending (ERR_INVALID_CHAR), mangled
 * (Latin-1), or fail the signature.
 * @throws ValidationError saying how to encode other text.
 */
function optionalString(value: unknown, name: string, operation: string): string | undefined {
  if (value === undefined || isHeaderValue(value)) return value;
  const hint =
    name === "contentDisposition"
      ? DISPOSITION_HINT
      : "percent-encode other text, e.g. with encodeURIComponent";
  throw new ValidationError(
    `${operation}: ${name} must be a non-blank HTTP header value: visible ASCII, spaces and tabs, on one line (${hint})`,
    { operation },
  );
}

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
    ContentType: optionalString(options.contentType, "contentType", operation) ?? contentType,
    Metadata: metadata,
    Tagging: options.tags === undefined ? undefined : encodeTags(options.tags, operation),
    CacheControl: optionalString(
      options.cacheControl ?? defaults.cacheControl,
      "cacheControl",
      operation,
    ),
    ContentDisposition: optionalString(options.contentDisposition, "contentDisposition", operation),
    ContentEncoding: optionalString(options.contentEncoding, "contentEncoding", operation),
    ContentLanguage: optionalString(options.contentLanguage, "contentLanguage", operation),
    StorageClass: optionalString(
      options.storageClass ?? defaults.storageClass,
      "storageClass",
      operation,
    ) as WriteParams["StorageClass"] | undefined,
    ServerSideEncryption: optionalString(
      options.serverSideEncryption ?? defaults.serverSideEncryption,
      "serverSideEncryption",
      operation,
    ) as WriteParams["ServerSideEncryption"] | undefined,
    SSEKMSKeyId: optionalString(
      options.sseKmsKeyId ?? defaults.sseKmsKeyId,
      "sseKmsKeyId",
      operation,
    ),
  };
  if (params.Tagging === "") params.Tagging = undefined;
  return params;
}

/**
 * Checks the conditional-write options: `ifNoneMatch` only "*", `ifMatch` an ETag, not both.
 * @throws ValidationError.
 */
export function checkConditions(
  options: { ifNoneMatch?: unknown; ifMatch?: unknown },
  operation: string,
): void {
  if (options.ifNoneMatch !== undefined && options.ifNoneMatch !== "*") {
    throw new ValidationError(`${operation}: ifNoneMatch only accepts "*"`, { operation });
  }
  if (options.ifMatch !== undefined && !isHeaderValue(options.ifMatch)) {
    throw new ValidationError(
      `${operation}: ifMatch must be an ETag string (visible ASCII, as S3 gives it)`,
      { operation },
    );
  }
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new ValidationError(`${operation}: ifMatch and ifNoneMatch cannot be combined`, {
      operation,
    });
  }
}
