/**
 * A Content-Disposition for downloading under `filename`: a plain `filename` for simple
 * ASCII names; otherwise an ASCII stand-in plus the RFC 6266 / RFC 8187 `filename*` in UTF-8
 * that browsers prefer.
 */
export function attachmentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  if (fallback === filename) return `attachment; filename="${filename}"`;
  // encodeURIComponent leaves ' ( ) * alone, which RFC 8187's attr-char does not allow.
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
