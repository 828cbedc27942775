import { lookup } from "mime-types";

/** What kind of body a Content-Type is being chosen for. */
export type BodyKind = "json" | "text" | "binary";

const OCTET_STREAM = "application/octet-stream";
const TEXT_PLAIN = "text/plain; charset=utf-8";

/**
 * The Content-Type for a body when the caller gave none (DESIGN.md): the body type first — a
 * JSON value is application/json, a string text/plain; charset=utf-8 — else the key's
 * extension type (mime-types), else application/octet-stream.
 */
export function defaultContentType(key: string, kind: BodyKind): string {
  if (kind === "json") return "application/json";
  if (kind === "text") return TEXT_PLAIN;
  return lookup(key) || OCTET_STREAM;
}
