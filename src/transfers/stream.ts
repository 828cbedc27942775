import { Readable } from "node:stream";
import type { ScopeRef } from "../common/scope-ref.js";
import { openObjectStream } from "./open-object-stream.js";
import type { StreamOptions } from "./resolve-stream-options.js";

// The one file of the read path that needs Node: stream() hands out a Node Readable by design.
// Every other read consumes openObjectStream's ChunkSource, so a build for a runtime without
// `node:stream` replaces only this file.

/** See Scope.stream. */
export async function stream(
  scope: ScopeRef,
  Key: string,
  options: StreamOptions = {},
): Promise<Readable> {
  const { body } = await openObjectStream(scope, Key, options);
  const readable = Readable.from(body, { objectMode: false });
  // Closing the Readable, read or not, destroys the body: its connection is freed.
  readable.once("close", () => body.destroy());
  return readable;
}
