import { Readable } from "node:stream";
import type { Target } from "../../client/context.js";
import { ValidationError } from "../../errors/validation-error.js";

/**
 * Refuses a stream that cannot be uploaded, for the `reason` its own kind of stream gives
 * (see openReadable, openWebStream) or because it has been read from (disturbed) already: it
 * lost its first bytes then, so the object would be stored truncated.
 * @throws ValidationError "the body stream …; pass a fresh stream".
 */
export function checkFresh(
  stream: Readable | ReadableStream<Uint8Array>,
  reason: string | undefined,
  operation: string,
  target: Target,
): void {
  const why = reason ?? disturbed(stream);
  if (why === undefined) return;
  throw new ValidationError(`${operation}: the body stream ${why}; pass a fresh stream`, {
    operation,
    bucket: target.bucket,
    key: target.key,
  });
}

function disturbed(stream: Readable | ReadableStream<Uint8Array>): string | undefined {
  // Node's typings name only Node streams here; the function takes web streams as well.
  // Node marks a stream read from for good, even when what was read went back with unshift().
  if (Readable.isDisturbed(stream as Readable))
    return "has already been read from or cancelled, so its first bytes may be gone (Node counts a stream read and unshifted as read from too: if you put back what you read, pass Readable.from(stream) instead)";
  return undefined;
}
