import { linkAbort } from "../client/link-abort.js";
import { ValidationError } from "../errors/validation-error.js";

/** The native signal standing in for each foreign one (see `signalOption`). */
const nativeSignals = new WeakMap<AbortSignal, AbortSignal>();

/** A native AbortSignal that aborts when `foreign` does, with its reason; one per signal. */
function nativeSignal(foreign: AbortSignal): AbortSignal {
  const known = nativeSignals.get(foreign);
  if (known !== undefined) return known;
  const controller = new AbortController();
  linkAbort(foreign, controller);
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
