import type { Readable } from "node:stream";

/**
 * What `promise` rejected with, to assert on the error's class and fields. Throws (failing the
 * test) if the promise resolved instead: `.catch((e) => e)` would hand back the value and let a
 * call that should have failed slip through as "an error".
 */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/**
 * Reads a stream (Node or web) to its end or its error: what it delivered until then, and the
 * error (undefined when it ended), to assert that a failing read never delivered a wrong byte.
 */
export async function drain(
  stream: Readable | ReadableStream<Uint8Array>,
): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}
