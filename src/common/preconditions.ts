import { type EtagList, etagListMatches, parseEtagList } from "./etag-list.js";
import { parseHttpDate, seconds } from "./http-date.js";

/** The conditional headers of a GET or HEAD, parsed; each undefined when absent or unreadable. */
export interface Preconditions {
  ifMatch: EtagList | undefined;
  ifNoneMatch: EtagList | undefined;
  ifModifiedSince: Date | undefined;
  ifUnmodifiedSince: Date | undefined;
}

/** What a precondition is evaluated against: the object's ETag and last change. */
export interface Validators {
  etag?: string | undefined;
  lastModified?: Date | undefined;
}

/**
 * The conditional headers of a request (If-Match, If-None-Match and their dates). A date is
 * ignored whenever its tag header is present, even one that cannot be read: "A recipient MUST
 * ignore If-Modified-Since if the request contains an If-None-Match header field", and
 * If-Unmodified-Since with If-Match alike (RFC 9110, 13.1.3 and 13.1.4).
 */
export function preconditionsOf(headers: Headers): Preconditions {
  const date = (name: string, unless: string) =>
    headers.has(unless) ? undefined : parseHttpDate(headers.get(name));
  return {
    ifMatch: parseEtagList(headers.get("if-match")),
    ifNoneMatch: parseEtagList(headers.get("if-none-match")),
    ifModifiedSince: date("if-modified-since", "if-none-match"),
    ifUnmodifiedSince: date("if-unmodified-since", "if-match"),
  };
}

/**
 * Evaluates preconditions for a GET or HEAD of an existing object as RFC 9110 (13.2.2) orders
 * them: If-Match, else If-Unmodified-Since (412 when false); then If-None-Match, else
 * If-Modified-Since (304 when false). Undefined when the request proceeds. A date condition
 * counts only when the object's last change is known; dates compare to the second.
 */
export function preconditionStatus(
  conditions: Preconditions,
  object: Validators,
): 304 | 412 | undefined {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = conditions;
  const changed = object.lastModified && seconds(object.lastModified);
  if (ifMatch !== undefined) {
    if (!etagListMatches(ifMatch, object.etag, "strong")) return 412;
  } else if (ifUnmodifiedSince && changed !== undefined && changed > seconds(ifUnmodifiedSince)) {
    return 412;
  }
  if (ifNoneMatch !== undefined) {
    if (etagListMatches(ifNoneMatch, object.etag, "weak")) return 304;
  } else if (ifModifiedSince && changed !== undefined && changed <= seconds(ifModifiedSince)) {
    return 304;
  }
  return undefined;
}

/**
 * Whether an If-Range header lets a Range apply (RFC 9110, 13.1.5): absent, or naming the
 * object by a strong ETag or by exactly its last change. Otherwise the whole object is sent.
 */
export function ifRangeHolds(header: string | null, object: Validators): boolean {
  const text = header?.trim();
  if (!text) return true;
  const date = parseHttpDate(text);
  if (date !== undefined) {
    return object.lastModified !== undefined && seconds(object.lastModified) === seconds(date);
  }
  const tags = parseEtagList(text);
  return tags !== "*" && tags?.length === 1 && etagListMatches(tags, object.etag, "strong");
}
