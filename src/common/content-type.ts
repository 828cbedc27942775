import { EXTENSION_TABLE } from "./extension-table.js";

/** What kind of body a Content-Type is being chosen for. */
export type BodyKind = "json" | "text" | "binary";

const OCTET_STREAM = "application/octet-stream";
const UTF8 = "; charset=utf-8";

/** application/* types that hold text, besides the +json and +xml families. */
const textualApplicationTypes = new Set([
  "application/json",
  "application/xml",
  "application/javascript",
  "application/ecmascript",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/sql",
  "application/graphql",
  "application/x-sh",
  "application/x-tex",
  "application/x-latex",
]);

/** Whether a string may be stored under this type: text/*, JSON, XML (SVG too), scripts, YAML… */
function isTextual(type: string): boolean {
  return (
    type.startsWith("text/") ||
    type.endsWith("+json") ||
    type.endsWith("+xml") ||
    textualApplicationTypes.has(type)
  );
}

let byExtension: Map<string, string> | undefined;

/** The media type of a lower-case file extension (without its dot), as mime-types gives it. */
export function typeOfExtension(extension: string): string | undefined {
  if (byExtension === undefined) {
    byExtension = new Map();
    for (const entry of EXTENSION_TABLE.split(";")) {
      const [type = "", extensions = ""] = entry.split(":");
      for (const ext of extensions.split(",")) byExtension.set(ext, type);
    }
  }
  return byExtension.get(extension);
}

/**
 * A key's file extension, lower case and without its dot: what follows the last dot of its
 * last segment (trailing slashes ignored), unless that dot opens the segment (`.bashrc` has
 * none). A key without any dot is taken as an extension itself (`json`), as mime-types does.
 */
function extensionOf(key: string): string {
  const path = `x.${key}`.replace(/\/+$/, "");
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/**
 * The Content-Type for a body when the caller gave none (DESIGN.md):
 * - a JSON value → application/json;
 * - a string → the key's extension type when it is textual (`page.html` → text/html), with
 *   "; charset=utf-8" since s3kit sends strings as UTF-8; otherwise (no extension, `.png`,
 *   `.ts` = video/mp2t…) text/plain; charset=utf-8;
 * - other bodies → the Blob's own type (`blobType`, when not empty), else the key's extension
 *   type (the table mime-types gives, see extension-table.ts), else application/octet-stream.
 */
export function defaultContentType(key: string, kind: BodyKind, blobType?: string): string {
  if (kind === "json") return "application/json";
  const byExtension = typeOfExtension(extensionOf(key));
  if (kind === "text") {
    return `${byExtension && isTextual(byExtension) ? byExtension : "text/plain"}${UTF8}`;
  }
  return blobType || byExtension || OCTET_STREAM;
}
