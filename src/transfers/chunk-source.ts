/**
 * A body of chunks, read once, that can be dropped before its end, freeing its connection.
 * Runtime-neutral: the read path passes bodies as this, never as a Node or web stream, so that
 * it runs where neither Node streams nor Node's Buffer exist (workerd without
 * nodejs_compat).
 */
export interface ChunkSource extends AsyncIterable<Uint8Array> {
  /**
   * Stops reading and frees what the source holds; `error` is the reason given to the body
   * beneath. A chunk being awaited then settles, with an error or as the end.
   */
  destroy(error?: Error): void;
  /** Resolves once the source is closed: read to its end, failed, or destroyed. Never rejects. */
  readonly closed: Promise<void>;
}

const END: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A ChunkSource over `iterator`'s chunks. `stop` frees the body beneath at once, even one
 * whose iterator never started (a generator that never ran skips its `finally` on return());
 * return() is called too, so that a generator waiting for a chunk runs its `finally` once the
 * chunk comes. A failed read destroys the source.
 */
export function chunkSource(
  iterator: AsyncIterator<Uint8Array>,
  stop: (error?: Error) => void,
): ChunkSource {
  let close = () => {};
  const closed = new Promise<void>((resolve) => {
    close = resolve;
  });
  let returned: Promise<unknown> | undefined;
  const destroy = (error?: Error) => {
    if (returned !== undefined) return;
    close();
    stop(error);
    returned = Promise.resolve()
      .then(() => iterator.return?.())
      .catch(() => {});
  };
  const chunks: AsyncIterator<Uint8Array, undefined> = {
    // One `then` per chunk, no async function: this runs for every chunk of every read.
    next() {
      if (returned !== undefined) return Promise.resolve(END);
      return iterator.next().then(
        (result) => {
          if (!result.done) return result;
          close();
          return END;
        },
        (error: unknown) => {
          destroy();
          throw error;
        },
      );
    },
    async return() {
      destroy();
      await returned;
      return END;
    },
  };
  return { destroy, closed, [Symbol.asyncIterator]: () => chunks };
}
