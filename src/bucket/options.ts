import { ValidationError } from "../errors/validation-error.js";
import type { OnProgress } from "./progress.js";

/**
 * Checks an optional whole-number option and returns it, or `fallback` when it is undefined.
 * @throws ValidationError when it is not an integer from `min` to `max`.
 */
export function wholeNumber(
  value: unknown,
  fallback: number,
  range: { name: string; min: number; max: number; operation: string },
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < range.min ||
    value > range.max
  ) {
    throw new ValidationError(
      `${range.operation}: ${range.name} must be a whole number from ${range.min} to ${range.max}`,
      { operation: range.operation },
    );
  }
  return value;
}

/** Checks a `concurrency` option: a whole number from 1 to 1000. */
export function concurrencyOf(value: unknown, fallback: number, operation: string): number {
  return wholeNumber(value, fallback, { name: "concurrency", min: 1, max: 1000, operation });
}

/** Checks an optional progress callback. */
export function progressOption(value: unknown, operation: string): OnProgress | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new ValidationError(`${operation}: onProgress must be a function`, { operation });
  }
  return value as OnProgress | undefined;
}
