import type { ChunkSource } from "./chunk-source.js";

/**
 * A web ReadableStream over a body's chunks. It reads only when its consumer asks for the
 * next chunk (backpressure: nothing is buffered ahead), ends with the body, errors with the
 * body's error, and destroys the body when cancelled, which frees its connection.
 */
export function webStream(source: ChunkSource): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        source.destroy();
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
