import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { Target } from "../../client/context.js";
import { checkFresh } from "./check-fresh.js";
import { type OpenedSource, streamed } from "./opened-source.js";

/**
 * A web ReadableStream as an upload source, refused when it cannot give its bytes whole:
 * reading a locked one throws, a failed or cancelled one yields an error or nothing (see
 * checkFresh). It goes as a Node stream, so it can be destroyed too, which cancels it.
 */
export function openWebStream(
  stream: ReadableStream<Uint8Array>,
  operation: string,
  target: Target,
): OpenedSource {
  checkFresh(stream, unusable(stream), operation, target);
  return streamed(Readable.fromWeb(stream as NodeReadableStream<Uint8Array>));
}

function unusable(stream: ReadableStream<Uint8Array>): string | undefined {
  if (stream.locked) return "is locked: a reader is already reading it";
  // Node's typings name only Node streams here; the function takes web streams as well.
  if (Readable.isErrored(stream as unknown as Readable)) return "has failed";
  return undefined;
}
