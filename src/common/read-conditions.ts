import { ValidationError } from "../errors/validation-error.js";
import { isHeaderValue, wholeNumber } from "./checks.js";

/** The last `suffix` bytes of an object: HTTP's `Range: bytes=-N`. */
export interface SuffixRange {
  /** How many bytes from the object's end, at least 1; all of a shorter object. */
  suffix: number;
}

/** The byte count a SuffixRange asks for; undefined for any other range (see `askedBytes`). */
export function suffixBytes(range: unknown, operation: string): number | undefined {
  if (typeof range !== "object" || range === null || !("suffix" in range)) return undefined;
  if ("offset" in range || "length" in range) {
    throw new ValidationError(`${operation}: range is { offset, length? } or { suffix }`, {
      operation,
    });
  }
  const rule = { name: "range.suffix", min: 1, max: Number.MAX_SAFE_INTEGER, operation };
  return wholeNumber(range.suffix ?? 0, 0, rule);
}

/** Checks an optional Date option: a Date that holds a valid time. */
function dateOption(value: unknown, name: string, operation: string): Date | undefined {
  if (value === undefined || (value instanceof Date && !Number.isNaN(value.getTime())))
    return value;
  throw new ValidationError(`${operation}: ${name} must be a valid Date`, { operation });
}

/** The conditions of open()'s GET, each when given. */
export interface ReadConditions {
  ifNoneMatch: string | undefined;
  ifModifiedSince: Date | undefined;
  ifUnmodifiedSince: Date | undefined;
}

/**
 * Checks open()'s conditions: `ifNoneMatch` an ETag (visible ASCII) or "*", the dates valid
 * Dates. As in HTTP (RFC 9110, 13.2.2), `ifModifiedSince` counts only without `ifNoneMatch`,
 * and `ifUnmodifiedSince` only without `ifMatch`.
 */
export function readConditions(
  options: {
    ifMatch?: unknown;
    ifNoneMatch?: unknown;
    ifModifiedSince?: unknown;
    ifUnmodifiedSince?: unknown;
  },
  operation: string,
): ReadConditions {
  const { ifNoneMatch } = options;
  if (ifNoneMatch !== undefined && !isHeaderValue(ifNoneMatch)) {
    throw new ValidationError(`${operation}: ifNoneMatch must be an ETag string or "*"`, {
      operation,
    });
  }
  const modified = dateOption(options.ifModifiedSince, "ifModifiedSince", operation);
  const unmodified = dateOption(options.ifUnmodifiedSince, "ifUnmodifiedSince", operation);
  return {
    ifNoneMatch,
    ifModifiedSince: ifNoneMatch === undefined ? modified : undefined,
    ifUnmodifiedSince: options.ifMatch === undefined ? unmodified : undefined,
  };
}
