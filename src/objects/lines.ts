import { failure } from "../client/context.js";
import { callCustomerKey } from "../common/customer-key.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { openObjectStream } from "../transfers/open-object-stream.js";
import { resolveStreamOptions, type StreamOptions } from "../transfers/resolve-stream-options.js";

/** Options of `lines()`: those of `stream()`. */
export type LinesOptions = StreamOptions;

/**
 * Iterates an object's text lines, streaming (one chunk in memory at a time) and resuming
 * after transient failures like `stream()`. Lines end at "\n" or "\r\n", which are removed;
 * a lone "\r" is kept as text. The last line is yielded even without a line break, and an
 * object ending in a line break has no empty line after it. UTF-8 is decoded across chunk
 * edges; invalid bytes become U+FFFD, as in `getText`. Leaving the loop early destroys the
 * stream, which frees its connection. The key is checked at the call; the object is only
 * opened when iteration starts.
 * @throws ValidationError at the call for a bad key or option; while iterating ObjectNotFoundError,
 * BucketNotFoundError, AccessDeniedError, PreconditionFailedError (the object changed during
 * a resume), S3OperationError.
 */
export function lines(
  scope: ScopeRef,
  Key: string,
  options: LinesOptions = {},
): AsyncGenerator<string, void, undefined> {
  resolveStreamOptions({ ...options, operation: "lines" });
  callCustomerKey(scope.defaults, options.sseCustomerKey, "lines");
  return splitLines(scope, Key, options);
}

async function* splitLines(
  scope: ScopeRef,
  Key: string,
  options: LinesOptions,
): AsyncGenerator<string, void, undefined> {
  const { body } = await openObjectStream(scope, Key, { ...options, operation: "lines" });
  const decoder = new TextDecoder("utf-8");
  // Pieces of the line being read: joining once per line keeps a long line linear in time.
  let pending: string[] = [];
  const take = (tail: string): string => {
    pending.push(tail);
    const line = pending.join("");
    pending = [];
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  };
  try {
    for await (const chunk of body) {
      const text = decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
        yield take(text.slice(start, end));
        start = end + 1;
      }
      if (start < text.length) pending.push(text.slice(start));
    }
    const rest = decoder.decode();
    if (rest !== "") pending.push(rest);
    if (pending.length > 0) yield pending.join("");
  } catch (error) {
    throw failure(scope.context, error, {
      operation: "GetObject",
      bucket: scope.bucketName,
      key: Key,
    });
  } finally {
    // Covers a consumer that stopped early and an error thrown out of the loop.
    body.destroy();
  }
}
