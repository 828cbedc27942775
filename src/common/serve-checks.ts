import { ValidationError } from "../errors/validation-error.js";

/**
 * Checks that `respond()` was handed a web (Fetch API) `Request`: a method, a URL and a
 * `Headers`. Node's request (Express, Fastify, node:http) has a plain object for headers.
 * @throws ValidationError naming the way to build one.
 */
export function checkWebRequest(request: unknown, operation: string): asserts request is Request {
  const candidate = request as Partial<Request> | null | undefined;
  if (
    typeof candidate?.method === "string" &&
    typeof candidate.url === "string" &&
    typeof candidate.headers?.get === "function" &&
    typeof candidate.headers.has === "function"
  ) {
    return;
  }
  throw new ValidationError(
    `${operation}: request must be a web Request (the Fetch API's); from Express, Fastify or node:http build one: new Request(\`http://localhost\${req.url}\`, { method: req.method, headers: req.headers })`,
    { operation },
  );
}

/** A path segment that a URL parser resolves: ".", "..", also written with %2e (WHATWG URL). */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Whether a key has a "." or ".." segment. The SDK's fetch handler (workerd) puts the key in a
 * URL, whose parser resolves such segments: `public/../private/s` would be asked for as
 * `private/s`, outside the Prefix that serves it. `respond()` refuses such keys.
 */
export function hasDotSegment(key: string): boolean {
  return key.split("/").some((segment) => DOT_SEGMENT.test(segment));
}

/** RFC 9110's token (5.6.2): one or more tchar. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** A quoted-string of visible ASCII and spaces, `\` escapes (5.6.4), without obs-text. */
const QUOTED = '"(?:[\\t !#-\\[\\]-~]|\\\\[\\t -~])*"';
/** type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] ): RFC 9110, 8.3.1. */
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*(?:${TOKEN}=(?:${TOKEN}|${QUOTED}))?)*$`,
);

/**
 * Whether a Content-Type is exactly one media type, `type/subtype` with optional parameters
 * (RFC 9110, 8.3.1), and holds no comma. A browser reads a comma-separated list and takes the
 * last type it can parse (Fetch's "extract a MIME type"): `image/png,text/html` is HTML to
 * Chromium, though it starts with `image/`.
 */
export function isMediaType(value: string): boolean {
  return !value.includes(",") && MEDIA_TYPE.test(value.trim());
}
