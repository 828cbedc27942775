import type { ClientContext, Target } from "../../client/context.js";
import { isNodeReadable, type NodeReadable } from "../../client/node-readable.js";
import { ValidationError } from "../../errors/validation-error.js";
import { describe } from "../../prefix/keys.js";
import { fileFeatures } from "../file-features.js";
import { openBlob } from "./open-blob.js";
import { openBytes } from "./open-bytes.js";
import { openReadable } from "./open-readable.js";
import { openWebStream } from "./open-web-stream.js";
import type { OpenedSource } from "./opened-source.js";

/**
 * What `upload` reads from: a local file path, bytes, a Blob, a Node Readable or a web
 * ReadableStream. A path, bytes or a Blob give a known size (so progress has a total and the
 * part size can grow to fit); a stream's size is learnt at its end.
 */
export type UploadSource =
  | string
  | Uint8Array
  | ArrayBuffer
  | Blob
  | NodeReadable
  | ReadableStream<Uint8Array>;

/**
 * Opens an upload source by its kind (one file a kind, beside this one).
 * @throws ValidationError for a source that cannot be uploaded, before any request.
 */
export async function openSource(
  source: UploadSource,
  operation: string,
  context: ClientContext,
  target: Target,
): Promise<OpenedSource> {
  if (typeof source === "string") return fileFeatures.openFile(source, operation, context, target);
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return openBytes(source);
  if (source instanceof Blob) return openBlob(source);
  if (source instanceof ReadableStream) return openWebStream(source, operation, target);
  if (isNodeReadable(source)) return openReadable(source, operation, target);
  throw new ValidationError(
    `${operation}: unsupported source ${describe(source)}; pass a file path, bytes, a Blob or a stream`,
    { operation },
  );
}
