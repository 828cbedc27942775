import type { EtagList } from "../common/etag-list.js";
import { httpDate } from "../common/http-date.js";
import { parseRange, type RangeRequest } from "../common/parse-range.js";
import {
  ifRangeHolds,
  type Preconditions,
  preconditionStatus,
  preconditionsOf,
} from "../common/preconditions.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { hasDotSegment, isMediaType } from "../common/serve-checks.js";
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { isS3Error } from "../errors/s3-error.js";
import { type ObjectInfo, objectInfo } from "../transfers/head-object.js";
import { type NotModified, type OpenResult, open } from "../transfers/open.js";
import type { OpenOptions } from "../transfers/resolve-stream-options.js";
import { headAsked } from "./head.js";
import {
  type RespondOptions,
  type RespondSettings,
  resolveRespondOptions,
} from "./respond-options.js";

/** What the headers of an answer are made of: an opened object, or a HEAD's ObjectInfo. */
interface Served {
  contentType?: string | undefined;
  etag: string | undefined;
  lastModified: Date | undefined;
  cacheControl?: string | undefined;
  contentDisposition?: string | undefined;
  contentEncoding?: string | undefined;
}

/** One request being answered: its object, conditions and the caller's settings. */
interface Answer {
  scope: ScopeRef;
  Key: string;
  /** The If-Range header, when present and not blank. */
  ifRange: string | undefined;
  conditions: Preconditions;
  settings: RespondSettings;
}

/**
 * An answer of respond(). Every one says `X-Content-Type-Options: nosniff`: a browser then
 * takes the Content-Type as sent and never guesses, say, HTML from the bytes.
 */
function reply(
  status: number,
  init?: Headers | Record<string, string>,
  body: ReadableStream<Uint8Array> | null = null,
): Response {
  const headers = new Headers(init);
  headers.set("x-content-type-options", "nosniff");
  return new Response(body, { status, headers });
}

/**
 * The Content-Type served: the stored one when it is exactly one media type; anything else
 * (none, or a list such as `image/png,text/html`, which a browser reads as its last type) is
 * served as `application/octet-stream`, which no browser renders.
 */
function servedType(stored: string | undefined): string {
  return stored !== undefined && isMediaType(stored) ? stored.trim() : "application/octet-stream";
}

/** The headers every answer about the object carries (200, 206, HEAD), nosniff aside. */
function objectHeaders(object: Served, settings: RespondSettings): Headers {
  const headers = new Headers({ "accept-ranges": "bytes" });
  const set = (name: string, value: string | undefined) => value && headers.set(name, value);
  set("content-type", servedType(object.contentType));
  set("etag", object.etag);
  set("last-modified", object.lastModified && httpDate(object.lastModified));
  set("cache-control", settings.cacheControl ?? object.cacheControl);
  set("content-disposition", settings.disposition ?? object.contentDisposition);
  set("content-encoding", object.contentEncoding);
  return headers;
}

/** A 304: the validators and Cache-Control a 200 would carry, no body (RFC 9110, 15.4.5). */
function notModified(object: Served, settings: RespondSettings): Response {
  const headers = new Headers();
  if (object.etag) headers.set("etag", object.etag);
  if (object.lastModified) headers.set("last-modified", httpDate(object.lastModified));
  const cacheControl = settings.cacheControl ?? object.cacheControl;
  if (cacheControl) headers.set("cache-control", cacheControl);
  return reply(304, headers);
}

/**
 * A store's 304 to the GET, checked: If-Match, else If-Unmodified-Since, come before
 * If-None-Match and If-Modified-Since (RFC 9110, 13.2.2), but MinIO answers 304 first, so
 * they are evaluated on the 304's validators: 412 when they fail. A 304 with neither ETag
 * nor Last-Modified (headers the SDK did not pass on) is answered from a HeadObject.
 */
async function storeNotModified(answer: Answer, stored: NotModified): Promise<Response> {
  const told = stored.etag !== undefined || stored.lastModified !== undefined;
  const object = told ? stored : await headInfo(answer);
  const status = preconditionStatus(answer.conditions, object);
  return status === 412 ? reply(412) : notModified(object, answer.settings);
}

/** The one entity tag of a list that S3 can compare by itself (visible ASCII; strong for If-Match). */
function single(list: EtagList | undefined, strong: boolean): string | undefined {
  if (list === "*") return "*";
  const [only] = list?.length === 1 ? list : [];
  if (only === undefined || (strong && only.weak) || !/^"[\x21\x23-\x7e]*"$/.test(only.tag)) {
    return undefined;
  }
  return only.tag;
}

/**
 * What open() sends for a request: the range and the conditions S3 evaluates itself (one
 * entity tag, the dates; preconditionsOf drops a date beside its tag header, as HTTP says).
 * The rest (tag lists, weak tags) is evaluated on the answer.
 */
function openOptions(answer: Answer, range: RangeRequest | undefined): OpenOptions {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = answer.conditions;
  return {
    range: range === "unsatisfiable" ? undefined : range,
    ifMatch: ifMatch === "*" ? undefined : single(ifMatch, true),
    ifUnmodifiedSince,
    ifNoneMatch: single(ifNoneMatch, false),
    ifModifiedSince,
    versionId: answer.settings.versionId,
    signal: answer.settings.signal,
    // Checked already: its base64 is a key option, null none (not the scope's again).
    sseCustomerKey: answer.settings.customerKey?.key ?? null,
  };
}

/** What a HeadObject tells about the object answered. */
async function headInfo({ scope, Key, settings }: Answer): Promise<ObjectInfo> {
  const { versionId, signal, customerKey } = settings;
  const asked = { versionId, signal, customerKey };
  return objectInfo(scope, Key, await headAsked(scope, Key, asked, "respond"));
}

/**
 * Answers from a HeadObject: a HEAD; a GET whose Range no object satisfies (416, with the
 * size), but for an empty object, answered whole (200, no bytes).
 */
async function fromHead(answer: Answer, unsatisfiable: boolean): Promise<Response> {
  const { settings } = answer;
  const info = await headInfo(answer);
  const status = preconditionStatus(answer.conditions, info);
  if (status === 304) return notModified(info, settings);
  if (status === 412) return reply(status);
  if (unsatisfiable && info.contentLength > 0) {
    const headers = { "accept-ranges": "bytes", "content-range": `bytes */${info.contentLength}` };
    return reply(416, headers);
  }
  const headers = objectHeaders(info, settings);
  headers.set("content-length", String(info.contentLength));
  return reply(200, headers);
}

/** The S3 answer to a GET: ranged if asked, whole when If-Range says the range is stale. */
async function openFor(
  answer: Answer,
  range: RangeRequest | undefined,
): Promise<OpenResult | Response> {
  const { scope, Key } = answer;
  const ifRange = range === undefined ? undefined : answer.ifRange;
  let opened: OpenResult;
  try {
    opened = await open(scope, Key, openOptions(answer, range));
  } catch (error) {
    if (!isS3Error(error) || error.status !== 416) throw error;
    // With If-Range, the whole object is a right answer; without, say what the object holds.
    if (ifRange === undefined) return fromHead(answer, true);
    return open(scope, Key, openOptions(answer, undefined));
  }
  if (opened.status === 206 && !ifRangeHolds(ifRange ?? null, opened)) {
    await opened.body.cancel();
    return open(scope, Key, openOptions(answer, undefined));
  }
  return opened;
}

/** Answers a GET with ONE GetObject (two when If-Range finds the range stale). */
async function fromGet(answer: Answer, range: RangeRequest | undefined): Promise<Response> {
  const opened = await openFor(answer, range);
  if (opened instanceof Response) return opened;
  const { settings } = answer;
  if (opened.status === 304) return storeNotModified(answer, opened);
  const status = preconditionStatus(answer.conditions, opened);
  if (status !== undefined) {
    await opened.body.cancel();
    return status === 304 ? notModified(opened, settings) : reply(status);
  }
  const headers = objectHeaders(opened, settings);
  if (opened.contentLength !== undefined)
    headers.set("content-length", String(opened.contentLength));
  if (opened.range) {
    const { start, end, size } = opened.range;
    headers.set("content-range", `bytes ${start}-${end}/${size ?? "*"}`);
  }
  return reply(opened.status, headers, opened.body);
}

/** See Scope.respond. */
export async function respond(
  scope: ScopeRef,
  Key: string,
  request: Request,
  options: RespondOptions = {},
): Promise<Response> {
  const settings = resolveRespondOptions(request, options, Key, scope.defaults);
  // A URL parser resolves "." and ".." (the SDK's fetch handler, on workerd): such a key would
  // be asked for outside the Prefix that serves it.
  if (hasDotSegment(Key)) return reply(400);
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") return reply(405, { allow: "GET, HEAD" });
  const conditions = preconditionsOf(request.headers);
  const ifRange = request.headers.get("if-range")?.trim() || undefined;
  const answer: Answer = { scope, Key, ifRange, conditions, settings };
  // HTTP defines Range for GET only: a HEAD describes the whole object.
  const range = method === "GET" ? parseRange(request.headers.get("range")) : undefined;
  try {
    // A Range no byte satisfies: 416, from a HeadObject. With If-Range, the whole object, as
    // for a stale one (RFC 9110, 13.2.2 step 5; a server may always ignore a Range).
    if (method === "HEAD" || (range === "unsatisfiable" && ifRange === undefined)) {
      return await fromHead(answer, range === "unsatisfiable");
    }
    return await fromGet(answer, range === "unsatisfiable" ? undefined : range);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return reply(404);
    if (error instanceof PreconditionFailedError) return reply(412);
    throw error;
  }
}
