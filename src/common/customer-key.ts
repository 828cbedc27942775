import { ValidationError } from "../errors/validation-error.js";
import type { ScopeDefaults } from "./defaults.js";
import { md5 } from "./md5.js";

/**
 * A customer-provided encryption key (SSE-C): 32 bytes, as a Uint8Array of 32 bytes or their
 * standard base64 (44 characters, e.g. from `openssl rand -base64 32`). Text is not taken as
 * the key's bytes (boto3 would take a 32-character string as is): keys typed as text are
 * passwords, and a non-ASCII one has another byte length than its character count; pass
 * `new TextEncoder().encode(text)` to mean exactly those bytes.
 */
export type SseCustomerKey = Uint8Array | string;

/** The per-call option of every request that reads or writes an object's bytes. */
export interface CustomerKeyOption {
  /**
   * The object's customer-provided key (SSE-C); `null` sends none, even when the scope has a
   * default. S3 keeps no copy of it: an object written with it can only be read with it.
   * @default the scope's `defaults.sseCustomerKey`, else none
   */
  sseCustomerKey?: SseCustomerKey | null;
}

/** @internal A checked customer key, as S3's headers carry it. */
export interface CustomerKey {
  /** The key's 32 bytes in base64. */
  key: string;
  /** The base64 MD5 of the key's bytes, which the store checks the key against. */
  md5: string;
}

/** The SDK input members of a customer key, for the object a request reads or writes. */
export interface CustomerKeyParams {
  SSECustomerAlgorithm?: string;
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The SDK input members of a copy source's customer key. */
export interface SourceKeyParams {
  CopySourceSSECustomerAlgorithm?: string;
  CopySourceSSECustomerKey?: string;
  CopySourceSSECustomerKeyMD5?: string;
}

/** The only algorithm SSE-C has. */
const ALGORITHM = "AES256";
const KEY_BYTES = 32;
/** Standard base64 of 32 bytes: 43 characters (the last with its 2 low bits 0), then "=". */
const BASE64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Why a string is no key; the message never shows the value. */
function stringProblem(value: string): string {
  if (/^[0-9a-f]{64}$/i.test(value)) return "it looks like hex: decode it to 32 bytes first";
  if (/^[A-Za-z0-9_-]{43}=?$/.test(value)) return "it looks like base64url: use standard base64";
  return `a string must be the base64 of 32 bytes (44 characters), not ${value.length} characters of text; for a text's bytes pass new TextEncoder().encode(text)`;
}

/**
 * Checks a customer key option: undefined when it is undefined or null.
 * @throws ValidationError (never showing the value) for anything but 32 bytes or their base64.
 */
export function customerKeyOption(
  value: unknown,
  name: string,
  operation: string,
): CustomerKey | undefined {
  if (value === undefined || value === null) return undefined;
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) {
    if (value.length !== KEY_BYTES) {
      throw new ValidationError(
        `${operation}: ${name} must be 32 bytes (AES-256), got ${value.length}`,
        { operation },
      );
    }
    bytes = value;
  } else if (typeof value === "string" && BASE64_KEY.test(value)) {
    bytes = Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
  } else {
    const detail = typeof value === "string" ? stringProblem(value) : `got ${typeof value}`;
    throw new ValidationError(
      `${operation}: ${name} must be 32 bytes (a Uint8Array) or their base64; ${detail}`,
      { operation },
    );
  }
  return { key: base64(bytes), md5: base64(md5(bytes)) };
}

/**
 * The key a call uses: `given` (null: none), else the scope's default (`defaults`); both
 * checked.
 * @throws ValidationError for a bad key, given or default.
 */
export function callCustomerKey(
  defaults: ScopeDefaults,
  given: unknown,
  operation: string,
  name = "sseCustomerKey",
): CustomerKey | undefined {
  const fallback = customerKeyOption(defaults.sseCustomerKey, "defaults.sseCustomerKey", operation);
  return given === undefined ? fallback : customerKeyOption(given, name, operation);
}

/** The input members sending `key` for the object read or written ({} without a key). */
export function customerKeyParams(key: CustomerKey | undefined): CustomerKeyParams {
  if (key === undefined) return {};
  return { SSECustomerAlgorithm: ALGORITHM, SSECustomerKey: key.key, SSECustomerKeyMD5: key.md5 };
}

/** The input members sending `key` for a copy's source ({} without a key). */
export function sourceKeyParams(key: CustomerKey | undefined): SourceKeyParams {
  if (key === undefined) return {};
  return {
    CopySourceSSECustomerAlgorithm: ALGORITHM,
    CopySourceSSECustomerKey: key.key,
    CopySourceSSECustomerKeyMD5: key.md5,
  };
}

/**
 * The three headers a request must send to read or write an object with this customer key
 * (SSE-C): what the client of a presigned URL made with `sseCustomerKey` sends, for instance
 * `fetch(url, { headers: sseCustomerHeaders(key) })`. The key is in them: send them only
 * over HTTPS, and never log them.
 * @throws ValidationError for anything but 32 bytes or their base64.
 */
export function sseCustomerHeaders(key: SseCustomerKey): Record<string, string> {
  const checked = customerKeyOption(key, "key", "sseCustomerHeaders");
  if (checked === undefined) {
    throw new ValidationError("sseCustomerHeaders: a key is required", {
      operation: "sseCustomerHeaders",
    });
  }
  return customerKeyHeaders(checked);
}

/** @internal The headers carrying `key`, by lower-case name. */
export function customerKeyHeaders(key: CustomerKey): Record<string, string> {
  return {
    "x-amz-server-side-encryption-customer-algorithm": ALGORITHM,
    "x-amz-server-side-encryption-customer-key": key.key,
    "x-amz-server-side-encryption-customer-key-md5": key.md5,
  };
}
