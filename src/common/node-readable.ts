/**
 * A Node.js Readable stream (`fs.createReadStream()`, `Readable.from()`, an HTTP request…),
 * described by the members s3kit reads it by, so that the types of the core need no
 * @types/node: any `stream.Readable` is one, a web ReadableStream is not.
 */
export interface NodeReadable extends AsyncIterable<unknown> {
  read(size?: number): unknown;
  readonly readableEnded: boolean;
  destroy(error?: Error): unknown;
}
