import type { PutObjectCommandInput } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors/validation-error.js";
import type { ScopeDefaults } from "./defaults.js";
import { encodeTags, type Tags } from "./tags.js";

/** Options of every write (put, upload, uploadDir; copy's replacements). */
export interface WriteOptions extends ScopeDefaults {
  /** Content-Type; by default it follows the body and the key's extension. */
  contentType?: string;
  /** User metadata (x-amz-meta-*): ASCII keys and values, 2 KB in all; merged over the scope's. */
  metadata?: Record<string, string>;
  /** Object tags, sent with the write itself so they are never missing on a new object. */
  tags?: Tags;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
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
const PRINTABLE_ASCII = /^[\x20-\x7e\t]*$/;
const MAX_METADATA_BYTES = 2048;

/** Checks user metadata: header-safe keys, ASCII values, at most 2 KB in all. */
export function checkMetadata(metadata: unknown, operation: string): Record<string, string> {
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new ValidationError(`${operation}: metadata must be an object of strings`, { operation });
  }
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
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

function optionalString(value: unknown, name: string, operation: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "" || /[\r\n]/.test(value)) {
    throw new ValidationError(`${operation}: ${name} must be a non-empty single-line string`, {
      operation,
    });
  }
  return value;
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
  const metadata =
    defaults.metadata || options.metadata
      ? checkMetadata({ ...defaults.metadata, ...options.metadata }, operation)
      : undefined;
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
  if (
    options.ifMatch !== undefined &&
    (typeof options.ifMatch !== "string" || options.ifMatch === "")
  ) {
    throw new ValidationError(`${operation}: ifMatch must be an ETag string`, { operation });
  }
  if (options.ifMatch !== undefined && options.ifNoneMatch !== undefined) {
    throw new ValidationError(`${operation}: ifMatch and ifNoneMatch cannot be combined`, {
      operation,
    });
  }
}
