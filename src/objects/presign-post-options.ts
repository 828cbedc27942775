import { expiresInOption, headerValue, wholeNumber } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { fullKey } from "../prefix/keys.js";

/** Options of `presignPost`. */
export interface PresignPostOptions {
  /**
   * Seconds the form stays valid: a whole number from 1 to 604800 (7 days).
   * @default 3600
   */
  expiresIn?: number;
  /** Largest accepted file in bytes (a content-length-range condition). */
  maxSize?: number;
  /**
   * Smallest accepted file in bytes, with `maxSize`.
   * @default 0
   */
  minSize?: number;
  /** The exact Content-Type the form must send; it is included in `fields`. */
  contentType?: string;
  /**
   * Let the poster choose the file name: `key` is then a prefix relative to the scope (it may
   * be "" on a Prefix, for "anything under this prefix"), `fields.key` is that prefix followed
   * by `${filename}` (which the store replaces with the uploaded file's name), and the policy
   * accepts any key starting with the prefix. It can never reach outside the scope, nor open
   * the whole bucket: an empty full prefix is a ValidationError.
   * @default false
   */
  keyStartsWith?: boolean;
  /** Cancels resolving the credentials (which may call STS or the instance metadata service). */
  signal?: AbortSignal;
}

/** @internal A condition of a POST policy pinning the key: exactly, or by its start. */
export type PostCondition = { key: string } | ["starts-with", "$key", string];

/** @internal The key and options of a `presignPost`, checked and complete. */
export interface PresignPostSettings {
  /** The form's key field (ending in `${filename}` with keyStartsWith). */
  Key: string;
  /** The policy's condition on the key. */
  condition: PostCondition;
  expiresIn: number;
  contentType: string | undefined;
  /** The accepted file sizes in bytes, when limited. */
  size: { min: number; max: number } | undefined;
  signal: AbortSignal | undefined;
}

/** S3's limit on a POST upload: 5 GiB. */
const MAX_POST_SIZE = 5 * 1024 ** 3;

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
  return wholeNumber(value, 0, { name, unit: "bytes", min: 0, max: MAX_POST_SIZE, operation });
}

/**
 * @internal Checks the key and options of a `presignPost`. The key is resolved here, not by
 * the façade: with `keyStartsWith` it is a prefix, which may be "".
 * @throws ValidationError for a bad key, expiresIn or size.
 */
export function resolvePresignPostOptions(
  scope: ScopeRef,
  key: string,
  options: PresignPostOptions,
  operation: string,
): PresignPostSettings {
  const { Key, condition } = postKey(scope, key, options.keyStartsWith, operation);
  const expiresIn = expiresInOption(options.expiresIn, operation);
  const contentType = headerValue(options.contentType, "contentType", operation);
  const maxSize = postSize(options.maxSize, "maxSize", operation);
  const minSize = postSize(options.minSize, "minSize", operation);
  if (minSize !== undefined && (maxSize === undefined || minSize > maxSize)) {
    throw new ValidationError(`${operation}: minSize needs a maxSize at least as large`, {
      operation,
    });
  }
  const size = maxSize === undefined ? undefined : { min: minSize ?? 0, max: maxSize };
  return { Key, condition, expiresIn, contentType, size, signal: options.signal };
}
