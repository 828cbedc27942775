import { lookup, contentType as withCharset } from "mime-types";

/** What kind of body a Content-Type is being chosen for. */
export type BodyKind = "json" | "text" | "binary";

const OCTET_STREAM = "application/octet-stream";
const TEXT_PLAIN = "text/plain; charset=utf-8";

/**
 * The Content-Type for a body when the caller gave none: a JSON value is application/json;
 * a string takes its key's extension type when there is one (with charset=utf-8 for text
 * types), else text/plain; bytes and streams take the extension type, else
 * application/octet-stream.
 */
export function defaultContentType(key: string, kind: BodyKind): string {
  if (kind === "json") return "application/json";
  const fromExtension = lookup(key);
  if (kind === "text") {
    if (!fromExtension) return TEXT_PLAIN;
    return withCharset(fromExtension) || fromExtension;
  }
  return fromExtension || OCTET_STREAM;
}
