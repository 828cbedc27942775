import { aclOption, type CannedAcl } from "../common/canned-acl.js";
import {
  checkConditions,
  checkMetadata,
  checksumSHA256Option,
  expiresInOption,
  headerOption,
  headerValue,
  wholeNumber,
} from "../common/checks.js";
import {
  type CustomerKeyOption,
  callCustomerKey,
  customerKeyHeaders,
} from "../common/customer-key.js";
import type { ScopeDefaults } from "../common/defaults.js";
import { MAX_SINGLE_UPLOAD } from "../common/limits.js";
import { encodeTags, type Tags } from "../common/tags.js";
import { ValidationError } from "../errors/validation-error.js";

/**
 * Options of a download link: `presign(key)` or `presign(key, { method: "GET" })`. With a
 * customer key (`sseCustomerKey`, or the scope's), its three headers are signed, not put in
 * the URL: the downloader must send them (see `sseCustomerHeaders`).
 */
export interface PresignGetOptions extends CustomerKeyOption {
  /**
   * A download link.
   * @default "GET"
   */
  method?: "GET";
  /**
   * Seconds the URL stays valid: a whole number from 1 to 604800 (7 days).
   * @default 3600
   */
  expiresIn?: number;
  /** The Content-Type S3 answers with (response-content-type). */
  contentType?: string;
  /** Download as an attachment with this file name (any Unicode). */
  filename?: string;
  /** A specific version of the object. */
  versionId?: string;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/**
 * Options of an upload link: `presign(key, { method: "PUT", … })`. Each value given is signed
 * as a request header: the uploader must send that header with exactly that value, and the
 * store refuses a PUT that leaves it out or changes it (403 SignatureDoesNotMatch). A PUT
 * cannot say "at most N bytes": use `presignPost` with `maxSize` for that.
 */
export interface PresignPutOptions extends CustomerKeyOption {
  /** An upload link. */
  method: "PUT";
  /**
   * Seconds the URL stays valid: a whole number from 1 to 604800 (7 days).
   * @default 3600
   */
  expiresIn?: number;
  /** The Content-Type the upload must send, and the one stored. */
  contentType?: string;
  /**
   * The exact size of the upload in bytes (signed Content-Length, which browsers and fetch set
   * from the body): any other size is refused. An exact size, not a maximum.
   */
  contentLength?: number;
  /**
   * The body's SHA-256 in base64 (x-amz-checksum-sha256): the store also refuses bytes that do
   * not hash to it (400 BadDigest).
   */
  checksumSHA256?: string;
  /** User metadata to store; the uploader sends each as an `x-amz-meta-<name>` header. */
  metadata?: Record<string, string>;
  /** Tags to store; the uploader sends them as the `x-amz-tagging` header ("a=1&b=2"). */
  tags?: Tags;
  /**
   * Canned ACL of the object; the uploader sends it as the `x-amz-acl` header, and without it
   * (or with another) the store refuses the upload. The scope's default `acl` does not apply
   * to links.
   */
  acl?: CannedAcl;
  /**
   * "*": only create the object; the store answers 412 when the key exists. The uploader sends
   * `If-None-Match: *`.
   */
  ifNoneMatch?: "*";
  /**
   * Not possible on a PUT: a signed Content-Length is exact. A ValidationError points to
   * `presignPost({ maxSize })`, whose policy S3 enforces as a range.
   */
  maxSize?: never;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/** Options of `presign`: a download link (GET, the default) or an upload link (PUT). */
export type PresignOptions = PresignGetOptions | PresignPutOptions;

/** @internal A GET link's options, checked. */
export interface PresignGetSettings {
  method: "GET";
  expiresIn: number;
  contentType: string | undefined;
  filename: string | undefined;
  versionId: string | undefined;
  signal: AbortSignal | undefined;
  /** The headers it signs, by lower-case name: a customer key's, if any. */
  headers: Record<string, string>;
}

/** @internal A PUT link's options, checked: the headers it signs, by lower-case name. */
export interface PresignPutSettings {
  method: "PUT";
  expiresIn: number;
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
}

/** @internal The options of a `presign`, checked and complete. */
export type PresignSettings = PresignGetSettings | PresignPutSettings;

/** What only a GET or only a PUT link takes, for the message that refuses the other. */
const GET_ONLY = ["filename", "versionId"] as const;
const PUT_ONLY = [
  "contentLength",
  "checksumSHA256",
  "metadata",
  "tags",
  "acl",
  "ifNoneMatch",
] as const;

/** Refuses the options of the other method. */
function checkMethodOptions(options: object, method: string, operation: string): void {
  const foreign = method === "PUT" ? GET_ONLY : PUT_ONLY;
  const given = foreign.filter((name) => (options as Record<string, unknown>)[name] !== undefined);
  if (given.length > 0) {
    throw new ValidationError(
      `${operation}: ${given.join(" and ")} only apply to ${method === "PUT" ? "GET" : "PUT"} URLs`,
      { operation },
    );
  }
}

/** A PUT link's exact size: a whole number of bytes up to S3's single-upload limit. */
function contentLengthOption(value: unknown, operation: string): string | undefined {
  if (value === undefined) return undefined;
  const rule = { name: "contentLength", unit: "bytes", min: 0, max: MAX_SINGLE_UPLOAD, operation };
  return String(wholeNumber(value, 0, rule));
}

/** The headers a PUT link signs, checked, by lower-case name. */
function putHeaders(options: PresignPutOptions, operation: string): Record<string, string> {
  checkConditions({ ifNoneMatch: options.ifNoneMatch }, operation);
  const headers: Record<string, string | undefined> = {
    "content-type": headerOption(options.contentType, "contentType", operation),
    "content-length": contentLengthOption(options.contentLength, operation),
    "x-amz-checksum-sha256": checksumSHA256Option(options.checksumSHA256, operation),
    // No tags ({}) is no header, as setTags(key, {}) means none.
    "x-amz-tagging":
      options.tags === undefined ? undefined : encodeTags(options.tags, operation) || undefined,
    "x-amz-acl": aclOption(options.acl, operation),
    "if-none-match": options.ifNoneMatch,
  };
  const metadata = options.metadata === undefined ? {} : checkMetadata(options.metadata, operation);
  for (const [name, value] of Object.entries(metadata)) {
    headers[`x-amz-meta-${name.toLowerCase()}`] = value;
  }
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * @internal Checks the options of a `presign` under a scope with these `defaults`.
 * @throws ValidationError for a bad expiresIn, method, value or option combination.
 */
export function resolvePresignOptions(
  options: PresignOptions,
  operation: string,
  defaults: ScopeDefaults,
): PresignSettings {
  const expiresIn = expiresInOption(options.expiresIn, operation);
  const method = options.method ?? "GET";
  if (method !== "GET" && method !== "PUT") {
    throw new ValidationError(`${operation}: method must be "GET" or "PUT"`, { operation });
  }
  if ((options as { maxSize?: unknown }).maxSize !== undefined) {
    throw new ValidationError(
      `${operation}: a presigned PUT cannot limit the size (a signed Content-Length is exact, not a maximum); use presignPost(key, { maxSize }) for "at most N bytes", or contentLength for an exact size`,
      { operation },
    );
  }
  checkMethodOptions(options, method, operation);
  const { signal } = options;
  const customerKey = callCustomerKey(defaults, options.sseCustomerKey, operation);
  const keyHeaders = customerKey ? customerKeyHeaders(customerKey) : {};
  if (method === "PUT") {
    const headers = { ...putHeaders(options as PresignPutOptions, operation), ...keyHeaders };
    return { method, expiresIn, headers, signal };
  }
  const get = options as PresignGetOptions;
  const contentType = headerValue(get.contentType, "contentType", operation);
  const filename = headerValue(get.filename, "filename", operation);
  const versionId = headerValue(get.versionId, "versionId", operation);
  return { method, expiresIn, contentType, filename, versionId, signal, headers: keyHeaders };
}
