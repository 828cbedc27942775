import { sha256Hex } from "./hmac.js";
import { signingKey } from "./signing-key.js";
import { uriEncode } from "./uri-encode.js";

/** SigV4's longest validity of a presigned URL, in seconds: 7 days (expiresIn options check it too). */
export const MAX_PRESIGN_SECONDS = 604_800;

const ALGORITHM = "AWS4-HMAC-SHA256";
/** The payload hash of a presigned URL: the body is not known when it is signed. */
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const SIGNATURE = "X-Amz-Signature";

/** The credentials a URL is signed with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A request to presign, and how. */
export interface PresignRequest {
  method: string;
  /** "https:" or "http:". */
  protocol: string;
  /** The Host header: the hostname, with ":port" when the URL has one. */
  host: string;
  /** The path, already encoded the S3 way (uriEncodeKey): signed as it is, never encoded again. */
  path: string;
  /** Query parameters besides the signature's (none named X-Amz-*), unencoded. */
  query?: Record<string, string> | undefined;
  /** Headers the request must send with exactly these values, by lower-case name; `host` is always signed. */
  headers?: Record<string, string> | undefined;
  /** Seconds the URL stays valid: 1 … MAX_PRESIGN_SECONDS. */
  expiresIn: number;
  credentials: SigningCredentials;
  region: string;
  /** "s3". */
  service: string;
  /** The signing time. */
  date: Date;
}

/** The second last signed and how SigV4 writes it: URLs signed in a burst share it. */
let lastSecond = Number.NaN;
let lastDate = "";

/** `date` as SigV4 writes it: 20250102T030405Z. */
export function amzDate(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    const iso = date.toISOString();
    lastDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    lastSecond = second;
  }
  return lastDate;
}

/** The signed headers: their names, sorted and joined by ";", and their canonical lines. */
function canonicalHeaders(
  host: string,
  headers: Record<string, string> | undefined,
): { names: string; lines: string } {
  if (headers === undefined) return { names: "host", lines: `host:${host}\n` };
  const values = new Map<string, string>([["host", host]]);
  for (const [name, value] of Object.entries(headers)) {
    // SigV4's trimall: runs of whitespace become one space, none at either end.
    values.set(name.toLowerCase(), value.replace(/[ \t\r\n]+/g, " ").replace(/^ | $/g, ""));
  }
  const names = [...values.keys()].sort();
  let lines = "";
  for (const name of names) lines += `${name}:${values.get(name)}\n`;
  return { names: names.join(";"), lines };
}

/** "/" + the credential scope, encoded for the query. */
function encodedScope(day: string, region: string, service: string): string {
  return `%2F${day}%2F${uriEncode(region)}%2F${uriEncode(service)}%2Faws4_request`;
}

function byName(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/**
 * The encoded query parameters, sorted by name as SigV4 wants them, as the text before and
 * the text after where X-Amz-Signature goes.
 */
function sortedQuery(params: Array<[string, string]>): { head: string; tail: string } {
  params.sort(byName);
  let head = "";
  let tail = "";
  for (const [name, value] of params) {
    if (name < SIGNATURE) head += head === "" ? `${name}=${value}` : `&${name}=${value}`;
    else tail += tail === "" ? `${name}=${value}` : `&${name}=${value}`;
  }
  return { head, tail };
}

/**
 * A URL presigned with SigV4 in its query (AWS4-HMAC-SHA256, UNSIGNED-PAYLOAD), as S3 checks
 * it: the query sorted, the given headers signed beside `host`, X-Amz-Security-Token for
 * temporary credentials. The signing key of each day, region and service is derived once
 * (signingKey), and nothing else is built per URL but the strings signed.
 * @throws RangeError when expiresIn is not a whole number of seconds from 1 to 7 days.
 */
export async function presignUrl(request: PresignRequest): Promise<string> {
  const { credentials, region, service, expiresIn, query } = request;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`presigned URLs last 1 to ${MAX_PRESIGN_SECONDS} s, not ${expiresIn}`);
  }
  const date = amzDate(request.date);
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const headers = canonicalHeaders(request.host, request.headers);
  const params: Array<[string, string]> = [
    ["X-Amz-Algorithm", ALGORITHM],
    ["X-Amz-Content-Sha256", UNSIGNED_PAYLOAD],
    // Encoded part by part, each usually plain text, the "/" between them as %2F.
    ["X-Amz-Credential", uriEncode(credentials.accessKeyId) + encodedScope(day, region, service)],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", String(expiresIn)],
    ["X-Amz-SignedHeaders", uriEncode(headers.names)],
  ];
  if (credentials.sessionToken) {
    params.push(["X-Amz-Security-Token", uriEncode(credentials.sessionToken)]);
  }
  for (const name in query) params.push([uriEncode(name), uriEncode(query[name] as string)]);
  const { head, tail } = sortedQuery(params);
  const canonicalQuery = head && tail ? `${head}&${tail}` : head || tail;
  const canonical = `${request.method}\n${request.path}\n${canonicalQuery}\n${headers.lines}\n${headers.names}\n${UNSIGNED_PAYLOAD}`;
  const toSign = `${ALGORITHM}\n${date}\n${scope}\n${await sha256Hex(canonical)}`;
  const sign = await signingKey(credentials.secretAccessKey, day, region, service);
  // The URL's query is sorted too, the signature in its place, as the SDK writes it.
  const signedQuery = `${head && `${head}&`}${SIGNATURE}=${await sign(toSign)}${tail && `&${tail}`}`;
  return `${request.protocol}//${request.host}${request.path}?${signedQuery}`;
}
