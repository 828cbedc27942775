import { ValidationError } from "../errors/validation-error.js";

/** Options of `contentDisposition()`. */
export interface ContentDispositionOptions {
  /**
   * `inline` (shown in the browser, the name used if saved) instead of `attachment` (saved).
   * @default false
   */
  inline?: boolean;
}

/**
 * A Content-Disposition header value naming `filename` (RFC 6266): a plain `filename` for
 * simple ASCII names; otherwise an ASCII stand-in plus the RFC 8187 `filename*` in UTF-8 that
 * browsers prefer. `attachment` unless `inline` is set.
 * @throws ValidationError when `filename` is not a string of valid Unicode.
 */
export function contentDisposition(
  filename: string,
  options: ContentDispositionOptions = {},
): string {
  if (typeof filename !== "string" || !filename.isWellFormed()) {
    const operation = "contentDisposition";
    throw new ValidationError(`${operation}: filename must be a string of valid Unicode`, {
      operation,
    });
  }
  const type = options.inline ? "inline" : "attachment";
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  if (fallback === filename) return `${type}; filename="${filename}"`;
  // encodeURIComponent leaves ' ( ) * alone, which RFC 8187's attr-char does not allow.
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
