/**
 * A Node.js Readable (of Node's stream module), named by the members s3kit uses: a stream of Node, Bun or
 * Deno fits, and s3kit's types and its web build need no Node typings or modules for it.
 */
export interface NodeReadable extends AsyncIterable<unknown> {
  /** Readable.read: together with the two members below, what tells a Node stream apart. */
  read(size?: number): unknown;
  /** Readable.destroy: stops the stream once an upload no longer reads it. */
  destroy(error?: Error): unknown;
  /** Readable.readableEnded: a stream read to its end cannot be uploaded again. */
  readonly readableEnded: boolean;
}

/**
 * Whether `value` is a Node Readable, told by its shape (async-iterable, with `read`,
 * `destroy` and `readableEnded`) rather than `instanceof Readable`, which would need Node's
 * stream module where it does not exist (Workers without nodejs_compat, browsers). A web
 * ReadableStream has none of the three.
 */
export function isNodeReadable(value: unknown): value is NodeReadable {
  if (typeof value !== "object" || value === null) return false;
  const stream = value as Partial<Record<PropertyKey, unknown>>;
  return (
    typeof stream[Symbol.asyncIterator] === "function" &&
    typeof stream.read === "function" &&
    typeof stream.destroy === "function" &&
    typeof stream.readableEnded === "boolean"
  );
}
