import { aclOption, type CannedAcl } from "../common/canned-acl.js";
import {
  checkMetadata,
  checksumSHA256Option,
  expiresInOption,
  headerOption,
  isHeaderValue,
  wholeNumber,
} from "../common/checks.js";
import { MAX_SINGLE_UPLOAD } from "../common/limits.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { type Tags, taggingDocument } from "../common/tags.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey } from "../prefix/keys.js";

/**
 * Options of `presignPost`. Each value given becomes a form field (sent as is, before the file)
 * and a condition of the signed policy, so the store refuses a form that changes or drops it.
 */
export interface PresignPostOptions {
  /**
   * Seconds the form stays valid: a whole number from 1 to 604800 (7 days).
   * @default 3600
   */
  expiresIn?: number;
  /** Largest accepted file in bytes (a content-length-range condition): "at most N bytes". */
  maxSize?: number;
  /**
   * Smallest accepted file in bytes, with `maxSize`.
   * @default 0
   */
  minSize?: number;
  /**
   * The Content-Type stored with the file. A string is exact, and is included in `fields`;
   * `{ startsWith: "image/" }` accepts any type that starts so, and the poster adds the
   * `Content-Type` field itself (e.g. the file's `type`), before the file: a form without one
   * is refused. Unset with `keyStartsWith`, the type is pinned to "application/octet-stream":
   * otherwise a store that guesses it from the key (MinIO) would let the poster's file name
   * ("evil.html") choose it. Unset with an exact key, no type is sent and the store decides.
   */
  contentType?:
    | string
    | {
        /** The prefix the poster's Content-Type must start with, such as "image/". */
        startsWith: string;
      };
  /**
   * Let the poster choose the file name: `key` is then a prefix relative to the scope (it may
   * be "" on a Prefix, for "anything under this prefix"), `fields.key` is that prefix followed
   * by `${filename}` (which the store replaces with the uploaded file's name), and the policy
   * accepts any key starting with the prefix. It can never reach outside the scope, nor open
   * the whole bucket: an empty full prefix is a ValidationError.
   * @default false
   */
  keyStartsWith?: boolean;
  /** User metadata to store: one `x-amz-meta-<name>` field each (names in lower case). */
  metadata?: Record<string, string>;
  /** Content-Disposition stored with the file, e.g. `attachmentDisposition(name)`. */
  contentDisposition?: string;
  /** Cache-Control stored with the file, e.g. "max-age=3600". */
  cacheControl?: string;
  /** Tags to store, as the `tagging` field (an XML document). */
  tags?: Tags;
  /**
   * Canned ACL of the file, as the `acl` field (pinned by the policy). The scope's default
   * `acl` does not apply to forms.
   */
  acl?: CannedAcl;
  /**
   * The file's SHA-256 in base64, as the `x-amz-checksum-sha256` field (with
   * `x-amz-checksum-algorithm` "SHA256"): the store refuses a file that does not hash to it.
   */
  checksumSHA256?: string;
  /**
   * The status of a successful upload: 204 (no body), 200 (no body), or 201 (an XML document
   * naming the bucket, key and ETag).
   * @default 204
   */
  successActionStatus?: 200 | 201 | 204;
  /**
   * Where to send the browser after a successful upload (a 303 redirect to this http(s) URL,
   * with bucket, key and etag added to its query), instead of a status. Not with
   * `successActionStatus`.
   */
  successActionRedirect?: string;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/** @internal A condition of a POST policy: a field's exact value, a prefix, or a size range. */
export type PostCondition =
  | Record<string, string>
  | ["starts-with", string, string]
  | ["content-length-range", number, number];

/** @internal The key and options of a `presignPost`, checked and complete. */
export interface PresignPostSettings {
  /** The form's key field (ending in `${filename}` with keyStartsWith). */
  Key: string;
  /** The form fields besides the key and the signature's, each pinned by an exact condition. */
  fields: Record<string, string>;
  /** The policy's other conditions: the key's, the size range, a Content-Type prefix. */
  conditions: PostCondition[];
  expiresIn: number;
  signal: AbortSignal | undefined;
}

/** What S3 replaces with the uploaded file's name wherever it appears in a POST's key field. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's POST variable, not a JS template
const FILENAME_VARIABLE = "${filename}";

/**
 * The key field of a POST form and the policy condition that pins it: exactly the full key,
 * or with `keyStartsWith` any key under a non-empty full prefix. A key holding `${filename}`
 * is refused either way: the store would substitute it, so it can never be taken literally.
 */
function postKey(
  scope: ScopeRef,
  key: unknown,
  keyStartsWith: unknown,
  operation: string,
): { Key: string; condition: PostCondition } {
  const bucket = scope.bucketName;
  if (keyStartsWith !== undefined && typeof keyStartsWith !== "boolean") {
    throw new ValidationError(`${operation}: keyStartsWith must be a boolean`, {
      operation,
      bucket,
    });
  }
  const prefixOnly = keyStartsWith === true && key === "";
  const full = prefixOnly ? scope.path : fullKey(scope.path, key, operation, bucket);
  if (full.includes(FILENAME_VARIABLE)) {
    throw new ValidationError(
      `${operation}: key ${JSON.stringify(full)} contains ${FILENAME_VARIABLE}, which the store replaces with the uploaded file's name; to let the poster name the file, pass the prefix with { keyStartsWith: true }`,
      { operation, bucket },
    );
  }
  if (!keyStartsWith) return { Key: full, condition: { key: full } };
  if (full === "") {
    throw new ValidationError(
      `${operation}: keyStartsWith with an empty prefix would accept any key in the bucket; name a prefix`,
      { operation, bucket },
    );
  }
  return { Key: full + FILENAME_VARIABLE, condition: ["starts-with", "$key", full] };
}

/** Checks a size option of a POST: undefined, or a whole number of bytes up to 5 GiB. */
function postSize(value: unknown, name: string, operation: string): number | undefined {
  if (value === undefined) return undefined;
  const rule = { name, unit: "bytes", min: 0, max: MAX_SINGLE_UPLOAD, operation };
  return wholeNumber(value, 0, rule);
}

/** The content-length-range condition of `maxSize` and `minSize`, if any. */
function sizeCondition(options: PresignPostOptions, operation: string): PostCondition[] {
  const maxSize = postSize(options.maxSize, "maxSize", operation);
  const minSize = postSize(options.minSize, "minSize", operation);
  if (minSize !== undefined && (maxSize === undefined || minSize > maxSize)) {
    throw new ValidationError(`${operation}: minSize needs a maxSize at least as large`, {
      operation,
    });
  }
  return maxSize === undefined ? [] : [["content-length-range", minSize ?? 0, maxSize]];
}

/** The type of a file whose name the poster chooses and whose form names no type. */
const UNTYPED = "application/octet-stream";

/** The Content-Type field (exact) or condition (a prefix the poster's own field must have). */
function contentType(
  value: unknown,
  operation: string,
): { field?: string; conditions: PostCondition[] } {
  if (typeof value !== "object" || value === null) {
    return { field: headerOption(value, "contentType", operation), conditions: [] };
  }
  const prefix = headerOption(
    (value as { startsWith?: unknown }).startsWith,
    "contentType.startsWith",
    operation,
  );
  if (prefix === undefined) {
    throw new ValidationError(
      `${operation}: contentType must be a string (exact) or { startsWith: string } (a prefix such as "image/")`,
      { operation },
    );
  }
  return { conditions: [["starts-with", "$Content-Type", prefix]] };
}

/** The success_action_status or success_action_redirect field, checked. */
function successFields(options: PresignPostOptions, operation: string): Record<string, string> {
  const { successActionStatus: status, successActionRedirect: redirect } = options;
  if (status !== undefined && redirect !== undefined) {
    throw new ValidationError(
      `${operation}: successActionStatus and successActionRedirect cannot be combined (a redirect answers 303)`,
      { operation },
    );
  }
  if (redirect !== undefined) {
    // S3 sends it back as the Location header: ASCII only.
    if (isHeaderValue(redirect) && /^https?:\/\//i.test(redirect) && URL.canParse(redirect)) {
      return { success_action_redirect: redirect };
    }
    throw new ValidationError(
      `${operation}: successActionRedirect must be an absolute http(s) URL in ASCII`,
      { operation },
    );
  }
  if (status === undefined) return {};
  if (status !== 200 && status !== 201 && status !== 204) {
    throw new ValidationError(`${operation}: successActionStatus must be 200, 201 or 204`, {
      operation,
    });
  }
  return { success_action_status: String(status) };
}

/** The checksum fields: the algorithm as well as the value, as the SDKs post them. */
function checksumFields(sha256: string | undefined): Record<string, string> {
  if (sha256 === undefined) return {};
  return { "x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": sha256 };
}

/** The form fields the options give (besides key and signature), checked. */
function postFields(
  options: PresignPostOptions,
  type: string | undefined,
  operation: string,
): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    "Content-Type": type,
    "Cache-Control": headerOption(options.cacheControl, "cacheControl", operation),
    "Content-Disposition": headerOption(
      options.contentDisposition,
      "contentDisposition",
      operation,
    ),
    // No tags ({}) is no field, as setTags(key, {}) means none.
    tagging: options.tags === undefined ? undefined : taggingDocument(options.tags, operation),
    acl: aclOption(options.acl, operation),
    ...checksumFields(checksumSHA256Option(options.checksumSHA256, operation)),
    ...successFields(options, operation),
  };
  const metadata = options.metadata === undefined ? {} : checkMetadata(options.metadata, operation);
  for (const [name, value] of Object.entries(metadata)) {
    fields[`x-amz-meta-${name.toLowerCase()}`] = value;
  }
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * @internal Checks the key and options of a `presignPost`. The key is resolved here, not by
 * the façade: with `keyStartsWith` it is a prefix, which may be "".
 * @throws ValidationError for a bad key, expiresIn, size, field value or option combination.
 */
export function resolvePresignPostOptions(
  scope: ScopeRef,
  key: string,
  options: PresignPostOptions,
  operation: string,
): PresignPostSettings {
  const { Key, condition } = postKey(scope, key, options.keyStartsWith, operation);
  const expiresIn = expiresInOption(options.expiresIn, operation);
  const chosen = options.keyStartsWith && options.contentType === undefined;
  const type = contentType(chosen ? UNTYPED : options.contentType, operation);
  const fields = postFields(options, type.field, operation);
  const conditions = [condition, ...sizeCondition(options, operation), ...type.conditions];
  return { Key, fields, conditions, expiresIn, signal: options.signal };
}
