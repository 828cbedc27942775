import type { ByteRange } from "./checks.js";
import type { SuffixRange } from "./read-conditions.js";

/**
 * What a Range header asks for, as a read's `range` option: `length` bytes from `offset` (or
 * all from it), the last `suffix` bytes, or bytes no object has ("unsatisfiable": a last byte
 * before the first, or a suffix of 0).
 */
export type RangeRequest = ByteRange | SuffixRange | "unsatisfiable";

const ONE_RANGE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Parses a Range header (RFC 9110, 14.2) of one byte range: `bytes=a-b`, `bytes=a-` or
 * `bytes=-n`. Undefined for no header, another unit, a malformed value, or several ranges,
 * all of which a server may answer with the whole object (200).
 */
export function parseRange(header: string | null): RangeRequest | undefined {
  const match = ONE_RANGE.exec(header ?? "");
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  // Numbers past 2^53 name bytes no object has; an end or suffix past it means "all".
  const number = (digits: string) => Math.min(Number(digits), Number.MAX_SAFE_INTEGER);
  if (first === "") {
    const suffix = number(last);
    return suffix === 0 ? "unsatisfiable" : { suffix };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start)) return "unsatisfiable";
  const end = last === "" ? Number.MAX_SAFE_INTEGER : number(last);
  if (end < start) return "unsatisfiable";
  return end === Number.MAX_SAFE_INTEGER
    ? { offset: start }
    : { offset: start, length: end - start + 1 };
}
