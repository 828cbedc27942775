import type { Target } from "../../client/context.js";
import { checkFresh, DISTURBED } from "./check-fresh.js";
import { gatherParts } from "./gather-parts.js";
import { type OpenedSource, unchanged } from "./opened-source.js";

/**
 * A web ReadableStream as an upload source, its size learnt at its end, refused when it cannot
 * give its bytes whole: reading a locked one throws, a failed, cancelled or read one yields an
 * error, nothing or a truncated object (see checkFresh). It is read through one reader of
 * ours, its chunks gathered into parts; `release` cancels it.
 */
export async function openWebStream(
  stream: ReadableStream<Uint8Array>,
  operation: string,
  target: Target,
): Promise<OpenedSource> {
  checkFresh(unusable(stream), operation, target);
  const reader = stream.getReader();
  if (await hasFailed(reader)) {
    reader.releaseLock();
    checkFresh("has failed", operation, target);
  }
  return {
    size: undefined,
    parts: (partSize) => gatherParts(chunksOf(reader), partSize),
    changed: unchanged,
    release: () => reader.cancel().catch(() => {}),
  };
}

function unusable(stream: ReadableStream<Uint8Array>): string | undefined {
  if (stream.locked) return "is locked: a reader is already reading it";
  // No web API tells whether a stream was read from (disturbed), but the Fetch standard has a
  // Response refuse such a body (Node, Deno, Bun, workerd, browsers); it neither locks nor
  // reads a fresh one.
  if (typeof Response === "function") {
    try {
      new Response(stream);
    } catch {
      return DISTURBED;
    }
  }
  return undefined;
}

/**
 * Whether the stream has failed already: its reader's `closed` is then rejected from the start.
 * How many microtasks that rejection takes to reach us differs between runtimes (workerd takes
 * more than Node), so it is given until the next task.
 */
async function hasFailed(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), 0);
  });
  try {
    return await Promise.race([
      reader.closed.then(
        () => false,
        () => true,
      ),
      later,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function* chunksOf(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<unknown> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}
