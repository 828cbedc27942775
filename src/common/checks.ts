import { ValidationError } from "../errors/validation-error.js";
import type { OnProgress } from "./progress.js";

/** setTimeout's longest delay in ms (2^31 − 1): a longer one fires at once. */
export const MAX_TIMER = 2_147_483_647;

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

/**
 * Checks an optional string that goes into a request (a header or a query parameter).
 * @throws ValidationError unless it is a non-empty, well-formed string without control characters.
 */
export function headerValue(value: unknown, name: string, operation: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "" || /\p{Cc}/u.test(value) || !value.isWellFormed()) {
    throw new ValidationError(
      `${operation}: ${name} must be a non-empty string without control characters`,
      { operation },
    );
  }
  return value;
}

/** The native signal standing in for each foreign one (see `signalOption`). */
const nativeSignals = new WeakMap<AbortSignal, AbortSignal>();

/** A native AbortSignal that aborts when `foreign` does, with its reason; one per signal. */
function nativeSignal(foreign: AbortSignal): AbortSignal {
  const known = nativeSignals.get(foreign);
  if (known !== undefined) return known;
  const controller = new AbortController();
  const follow = () => controller.abort(foreign.reason);
  if (foreign.aborted) follow();
  else foreign.addEventListener("abort", follow, { once: true });
  nativeSignals.set(foreign, controller.signal);
  return controller.signal;
}

/**
 * Checks an optional `signal` and returns the AbortSignal to use. Anything shaped like one
 * (`aborted` and its abort event) is accepted, so polyfills and signals of other realms work
 * too; what is not this realm's AbortSignal is replaced by a native one linked to it, because
 * what s3kit hands signals to (p-retry, the SDK) may call methods a polyfill lacks, such as
 * `throwIfAborted`.
 */
export function signalOption(value: unknown, operation: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (
    typeof signal !== "object" ||
    signal === null ||
    typeof signal.aborted !== "boolean" ||
    typeof signal.addEventListener !== "function" ||
    typeof signal.removeEventListener !== "function"
  ) {
    throw new ValidationError(`${operation}: signal must be an AbortSignal`, { operation });
  }
  return value instanceof AbortSignal ? value : nativeSignal(value as AbortSignal);
}

/**
 * `options` with their `signal` checked and made native (see `signalOption`): every public
 * method passes its options through this first, so nothing below it meets a foreign signal.
 * The same object when nothing changes; a value that is not an object passes unchanged, for
 * the method's own checks to refuse.
 */
export function withSignal<O>(options: O, operation: string): O {
  if (typeof options !== "object" || options === null) return options;
  const { signal } = options as { signal?: unknown };
  const checked = signalOption(signal, operation);
  return checked === signal ? options : { ...options, signal: checked };
}
