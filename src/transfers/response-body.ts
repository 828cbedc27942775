import { HeldBody } from "../client/lean/held-body.js";
import { isNodeReadable, type NodeReadable } from "../client/node-readable.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { type ChunkSource, chunkSource } from "./chunk-source.js";

/** The S3OperationError "InvalidResponse" of a GetObject body s3kit cannot read. */
function unreadable(scope: ScopeRef, Key: string, what: string): S3OperationError {
  return new S3OperationError(
    `GetObject s3://${scope.bucketName}/${Key}: the response body ${what}, which s3kit cannot read (a Node Readable, a web ReadableStream or a Blob)`,
    { code: "InvalidResponse", bucket: scope.bucketName, key: Key, operation: "GetObject" },
  );
}

function typeName(value: unknown): string {
  return (value as object)?.constructor?.name ?? typeof value;
}

/**
 * `iterator` with every chunk checked to be bytes: the read path counts a chunk's length as
 * bytes (no chunk beyond those expected), which a string or an object-mode chunk is not.
 */
function bytesOf(
  iterator: AsyncIterator<unknown>,
  scope: ScopeRef,
  Key: string,
): AsyncIterator<Uint8Array> {
  // One `then` per chunk, no async function: this runs for every chunk of every read.
  const checked = (result: IteratorResult<unknown>) => {
    if (result.done || result.value instanceof Uint8Array) {
      return result as IteratorResult<Uint8Array>;
    }
    throw unreadable(scope, Key, `gave a ${typeName(result.value)} chunk`);
  };
  return {
    next: () => iterator.next().then(checked),
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
}

/** A web stream read with a reader: nothing is read before it is asked for; destroy cancels it. */
function webBody(stream: ReadableStream<unknown>, scope: ScopeRef, Key: string): ChunkSource {
  const reader = stream.getReader();
  const chunks = { next: () => reader.read() } as AsyncIterator<unknown>;
  return chunkSource(bytesOf(chunks, scope, Key), (error) => {
    reader.cancel(error).catch(() => {}); // a stream that failed refuses to be cancelled
  });
}

/** A Node Readable read through its own async iterator; destroy destroys it. */
function nodeBody(body: NodeReadable, scope: ScopeRef, Key: string): ChunkSource {
  const iterator = body[Symbol.asyncIterator]();
  let started = false;
  const chunks: AsyncIterator<unknown> = {
    next: () => {
      started = true;
      return iterator.next();
    },
    return: () => iterator.return?.() ?? Promise.resolve({ done: true, value: undefined }),
  };
  // Before its iterator listens, a Readable destroyed with an error would throw it unhandled.
  return chunkSource(bytesOf(chunks, scope, Key), (error) =>
    body.destroy(started ? error : undefined),
  );
}

/** A body the lean path read whole (see HeldBody): one chunk, or none when empty. */
function heldBody(bytes: Uint8Array): ChunkSource {
  let chunk: Uint8Array | undefined = bytes.length > 0 ? bytes : undefined;
  const next = async (): Promise<IteratorResult<Uint8Array>> => {
    const value = chunk;
    chunk = undefined;
    return value === undefined ? { done: true, value: undefined } : { done: false, value };
  };
  return chunkSource({ next }, () => {
    chunk = undefined;
  });
}

/**
 * The SDK's GetObject body as a ChunkSource: a Node Readable from its Node handler, a web
 * ReadableStream or a Blob from its fetch handler (workerd, browsers, Deno). No body at all
 * is an empty object. A body of another type (bytes from a custom handler, a plain async
 * iterable that cannot be destroyed) is S3OperationError "InvalidResponse", never read as
 * empty: a chunked answer would then read as "" silently.
 */
export function responseBody(body: unknown, scope: ScopeRef, Key: string): ChunkSource {
  if (body instanceof HeldBody) return heldBody(body.bytes);
  if (body instanceof ReadableStream) return webBody(body, scope, Key);
  if (body instanceof Blob) return webBody(body.stream(), scope, Key);
  if (isNodeReadable(body)) return nodeBody(body, scope, Key);
  if (body === undefined || body === null) {
    return chunkSource({ next: async () => ({ done: true, value: undefined }) }, () => {});
  }
  throw unreadable(scope, Key, `is a ${typeName(body)}`);
}
