import type { Readable } from "node:stream";
import type { Target } from "../../client/context.js";
import { checkFresh } from "./check-fresh.js";
import type { NodeReadable } from "./node-readable.js";
import { type OpenedSource, streamed } from "./opened-source.js";

/**
 * A Node Readable as an upload source, refused when it cannot give its bytes whole: one that
 * failed, ended or was destroyed would yield nothing or an error mid-upload (see checkFresh).
 */
export function openReadable(
  source: NodeReadable,
  operation: string,
  target: Target,
): OpenedSource {
  const stream = source as unknown as Readable;
  checkFresh(stream, unusable(stream), operation, target);
  return streamed(stream);
}

function unusable(stream: Readable): string | undefined {
  const failed: unknown = stream.errored;
  if (failed) return `has failed (${failed instanceof Error ? failed.message : String(failed)})`;
  if (stream.readableEnded) return "has already been read to its end";
  if (stream.destroyed) return "is destroyed";
  return undefined;
}
