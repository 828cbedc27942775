import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";
import { wholeNumber } from "./checks.js";

/** One range of a multi-range read: `length` bytes (0 allowed) from `offset`. */
export interface ExactRange {
  /** The first byte to read, counted from 0. */
  offset: number;
  /** How many bytes to read; 0 reads as an empty array, with no request. */
  length: number;
}

/** A checked range: bytes `start` to `end` exclusive, and its place in the caller's list. */
export interface ListedRange {
  index: number;
  start: number;
  end: number;
}

/**
 * Checks the ranges of `getRanges` before any request: an array of `{ offset, length }`,
 * whole numbers, each length at most `maxLength` (what one Uint8Array may hold).
 * @throws ValidationError naming the first bad range.
 */
export function rangeList(ranges: unknown, maxLength: number, operation: string): ListedRange[] {
  if (!Array.isArray(ranges)) {
    throw new ValidationError(
      `${operation}: ranges must be an array of { offset, length }, got ${describe(ranges)}`,
      { operation },
    );
  }
  return ranges.map((range: unknown, index) => {
    if (typeof range !== "object" || range === null) {
      throw new ValidationError(`${operation}: ranges[${index}] must be { offset, length }`, {
        operation,
      });
    }
    const { offset, length } = range as Partial<ExactRange>;
    const rule = { min: 0, max: Number.MAX_SAFE_INTEGER, operation };
    const start = wholeNumber(offset ?? -1, 0, { ...rule, name: `ranges[${index}].offset` });
    const bytes = wholeNumber(length ?? -1, 0, {
      ...rule,
      max: maxLength,
      name: `ranges[${index}].length`,
    });
    if (start + bytes > Number.MAX_SAFE_INTEGER) {
      throw new ValidationError(`${operation}: ranges[${index}] ends past 2^53 − 1`, {
        operation,
      });
    }
    return { index, start, end: start + bytes };
  });
}
