import type { Target } from "../../client/context.js";
import type { NodeReadable } from "../../client/node-readable.js";
import { checkFresh, DISTURBED } from "./check-fresh.js";
import { gatherParts } from "./gather-parts.js";
import { type OpenedSource, unchanged } from "./opened-source.js";

/**
 * A Node Readable as an upload source, its size learnt at its end, refused when it cannot give
 * its bytes whole: one that failed, ended, was destroyed or read from would yield nothing, an
 * error or a truncated object (see checkFresh). Its chunks are gathered into parts; a failed
 * upload leaves it half read, and `release` destroys it, as stream.pipeline would.
 */
export function openReadable(
  source: NodeReadable,
  operation: string,
  target: Target,
): OpenedSource {
  const stream = source as NodeStream;
  checkFresh(unusable(stream), operation, target);
  return {
    size: undefined,
    parts: (partSize) => gatherParts(stream, partSize),
    changed: unchanged,
    release: () => destroyStream(stream),
  };
}

/**
 * The members of a Node Readable read here, by their documented names, so that this file needs
 * no Node module: the web build runs it too (workerd with nodejs_compat has Node streams).
 */
interface NodeStream extends NodeReadable {
  readonly errored: unknown;
  readonly destroyed: boolean;
  readonly closed: boolean;
  /** Whether 'data' was ever emitted (Node ≥ 16.7), which is what Readable.isDisturbed asks. */
  readonly readableDidRead?: boolean;
  readonly readableAborted?: boolean;
  once(event: "close", listener: () => void): unknown;
}

function unusable(stream: NodeStream): string | undefined {
  const failed: unknown = stream.errored;
  if (failed) return `has failed (${failed instanceof Error ? failed.message : String(failed)})`;
  if (stream.readableEnded) return "has already been read to its end";
  if (stream.destroyed) return "is destroyed";
  // Node marks a stream read from for good, even when what was read went back with unshift().
  if (stream.readableDidRead || stream.readableAborted)
    return `${DISTURBED} (Node counts a stream read and unshifted as read from too: if you put back what you read, pass Readable.from(stream) instead)`;
  return undefined;
}

/** Destroys a stream and waits until it has closed; nothing to do once it has. */
async function destroyStream(stream: NodeStream): Promise<void> {
  if (stream.closed) return;
  const closed = new Promise<void>((resolve) => stream.once("close", resolve));
  stream.destroy();
  await closed;
}
