import type { HttpAnswer } from "./http-types.js";

/** Bytes of an error answer read at most: S3's error bodies are a few hundred bytes. */
const ERROR_BODY_LIMIT = 64 * 1024;

/**
 * An answer's body as text, up to `limit` bytes (the rest is dropped unread and the body
 * closed, so a store sending a huge page costs no memory). Empty when there is none.
 */
export async function answerText(answer: HttpAnswer, limit = ERROR_BODY_LIMIT): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let read = 0;
  for await (const chunk of chunksOf(answer)) {
    read += chunk.byteLength;
    text += decoder.decode(chunk.subarray(0, Math.max(0, chunk.byteLength - (read - limit))), {
      stream: true,
    });
    if (read >= limit) break;
  }
  return text + decoder.decode();
}

/** The chunks of an answer's body, none when it has none. */
function chunksOf({ body }: HttpAnswer): AsyncIterable<Uint8Array> {
  // A stream that ends at once: `new ReadableStream()` alone would never end.
  if (body === null) return streamChunks(new ReadableStream({ start: (c) => c.close() }));
  return (body instanceof ReadableStream ? streamChunks(body) : body) as AsyncIterable<Uint8Array>;
}

/** A web stream's chunks; leaving the loop early cancels the stream. */
async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
