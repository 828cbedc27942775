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
  await eachChunk(answer, (chunk) => {
    read += chunk.byteLength;
    const kept = chunk.subarray(0, Math.max(0, chunk.byteLength - (read - limit)));
    text += decoder.decode(kept, { stream: true });
    return read < limit;
  });
  return text + decoder.decode();
}

/**
 * An answer's whole body, which announced `length` bytes, in one array of its own. A body
 * that ends short fails as a premature close, a broken answer to retry; one that runs over
 * (no HTTP framing lets it) fails for good.
 */
export async function answerBytes(answer: HttpAnswer, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let at = 0;
  await eachChunk(answer, (chunk) => {
    if (at + chunk.byteLength > length) {
      throw new Error(`the body ran over the ${length} bytes announced`);
    }
    bytes.set(chunk, at);
    at += chunk.byteLength;
    return true;
  });
  if (at < length) {
    const error = new Error(`premature close after ${at} of ${length} bytes`);
    throw Object.assign(error, { code: "ERR_STREAM_PREMATURE_CLOSE" });
  }
  return bytes;
}

/**
 * Gives `take` the answer's chunks until the body ends or `take` returns false or throws;
 * the body is then closed. A Node body is read through its events: its async iterator
 * would cost a few promises per chunk, on every request.
 */
async function eachChunk(answer: HttpAnswer, take: (chunk: Uint8Array) => boolean): Promise<void> {
  const { body } = answer;
  if (isEmitter(body)) return emitted(body, take);
  for await (const chunk of chunksOf(answer)) if (!take(chunk)) break;
}

/** A Node stream, by the events it emits. */
interface Emitter {
  on(event: string, listener: (value: never) => void): unknown;
  destroy(error?: Error): unknown;
}

function isEmitter(body: unknown): body is Emitter {
  return typeof (body as Partial<Emitter> | null)?.on === "function";
}

function emitted(body: Emitter, take: (chunk: Uint8Array) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    body.on("data", (chunk: Uint8Array) => {
      try {
        if (take(chunk)) return;
        body.destroy();
        resolve();
      } catch (error) {
        body.destroy();
        reject(error);
      }
    });
    body.on("end", resolve);
    body.on("error", reject);
    // Destroyed with no error (no "end" to come): what came is all there is.
    body.on("close", resolve);
  });
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
