import type { Target } from "../client/context.js";
import { S3OperationError } from "../errors/s3-operation-error.js";

/**
 * Undoes `EncodingType: "url"`: the server percent-encodes keys form-style, a space as "+"
 * and a literal "+" as "%2B" (AWS and MinIO alike), so "+" must become a space first.
 * @throws URIError for text that is not valid URL encoding.
 */
function formDecode(raw: string): string {
  return decodeURIComponent(raw.replaceAll("+", " "));
}

/** `formDecode`, failing as an S3OperationError of `target` for a key that does not decode. */
export function decodeKey(raw: string, target: Target): string {
  try {
    return formDecode(raw);
  } catch (error) {
    throw new S3OperationError(
      `${target.operation} s3://${target.bucket}/${target.key ?? ""}: the server sent a key that is not valid URL encoding: ${JSON.stringify(raw)}`,
      { ...target, code: "InvalidKeyEncoding", retryable: false, cause: error },
    );
  }
}

/** `formDecode`, or undefined for text that is not valid URL encoding. */
export function tryDecodeKey(raw: string): string | undefined {
  try {
    return formDecode(raw);
  } catch {
    return undefined;
  }
}

/**
 * The key decoder of one listing page. Keys are listed with `EncodingType: "url"` so that a
 * key holding characters XML 1.0 cannot carry does not break the listing; only what the
 * server says it encoded is decoded (a store that ignores EncodingType sends raw keys).
 */
export function keyDecoder(
  page: { EncodingType?: string | undefined },
  target: Target,
): (key: string) => string {
  return page.EncodingType === "url" ? (key) => decodeKey(key, target) : (key) => key;
}

/**
 * `keyDecoder` that does not throw: undefined for a key the server said it encoded but that
 * is not valid URL encoding, for a caller that reports such a key instead of failing the page.
 */
export function lenientKeyDecoder(page: {
  EncodingType?: string | undefined;
}): (key: string) => string | undefined {
  return page.EncodingType === "url" ? tryDecodeKey : (key) => key;
}

/** The KeyMarker of the page after `page` (ListObjectVersions, ListMultipartUploads), decoded like its keys. */
export function nextKeyMarker(
  page: { EncodingType?: string | undefined; NextKeyMarker?: string | undefined },
  target: Target,
): string | undefined {
  return page.NextKeyMarker === undefined
    ? undefined
    : keyDecoder(page, target)(page.NextKeyMarker);
}
