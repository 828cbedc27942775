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
import { ObjectNotFoundError } from "../errors/object-not-found-error.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { isS3Error } from "../errors/s3-error.js";
import { headRaw, objectInfo } from "../transfers/head-object.js";
import { type OpenResult, open } from "../transfers/open.js";
import type { OpenOptions } from "../transfers/resolve-stream-options.js";
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
  request: Request;
  conditions: Preconditions;
  settings: RespondSettings;
}

/** The headers every answer about the object carries (200, 206, HEAD). */
function objectHeaders(object: Served, settings: RespondSettings): Headers {
  const headers = new Headers({ "accept-ranges": "bytes" });
  const set = (name: string, value: string | undefined) => value && headers.set(name, value);
  set("content-type", object.contentType ?? "application/octet-stream");
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
  return new Response(null, { status: 304, headers });
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
 * entity tag, the dates, each date only without its tag header, as HTTP says). The rest (tag
 * lists, weak tags) is evaluated on the answer.
 */
function openOptions(answer: Answer, range: RangeRequest | undefined): OpenOptions {
  const { ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince } = answer.conditions;
  return {
    range: range === "unsatisfiable" ? undefined : range,
    ifMatch: ifMatch === "*" ? undefined : single(ifMatch, true),
    ifUnmodifiedSince: ifMatch === undefined ? ifUnmodifiedSince : undefined,
    ifNoneMatch: single(ifNoneMatch, false),
    ifModifiedSince: ifNoneMatch === undefined ? ifModifiedSince : undefined,
    signal: answer.settings.signal,
  };
}

/**
 * Answers from a HeadObject: a HEAD; a GET whose Range no object satisfies (416, with the
 * size), but for an empty object, answered whole (200, no bytes).
 */
async function fromHead(answer: Answer, unsatisfiable: boolean): Promise<Response> {
  const { scope, Key, settings } = answer;
  const info = objectInfo(scope, Key, await headRaw(scope, Key, { signal: settings.signal }));
  const status = preconditionStatus(answer.conditions, info);
  if (status === 304) return notModified(info, settings);
  if (status === 412) return new Response(null, { status });
  if (unsatisfiable && info.contentLength > 0) {
    const headers = { "accept-ranges": "bytes", "content-range": `bytes */${info.contentLength}` };
    return new Response(null, { status: 416, headers });
  }
  const headers = objectHeaders(info, settings);
  headers.set("content-length", String(info.contentLength));
  return new Response(null, { status: 200, headers });
}

/** The S3 answer to a GET: ranged if asked, whole when If-Range says the range is stale. */
async function openFor(
  answer: Answer,
  range: RangeRequest | undefined,
): Promise<OpenResult | Response> {
  const { scope, Key, request } = answer;
  const ifRange = range === undefined ? null : request.headers.get("if-range");
  let opened: OpenResult;
  try {
    opened = await open(scope, Key, openOptions(answer, range));
  } catch (error) {
    if (!isS3Error(error) || error.status !== 416) throw error;
    // With If-Range, the whole object is a right answer; without, say what the object holds.
    if (ifRange === null) return fromHead(answer, true);
    return open(scope, Key, openOptions(answer, undefined));
  }
  if (opened.status === 206 && !ifRangeHolds(ifRange, opened)) {
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
  if (opened.status === 304) return notModified(opened, settings);
  const status = preconditionStatus(answer.conditions, opened);
  if (status !== undefined) {
    await opened.body.cancel();
    return status === 304 ? notModified(opened, settings) : new Response(null, { status });
  }
  const headers = objectHeaders(opened, settings);
  if (opened.contentLength !== undefined)
    headers.set("content-length", String(opened.contentLength));
  if (opened.range) {
    const { start, end, size } = opened.range;
    headers.set("content-range", `bytes ${start}-${end}/${size ?? "*"}`);
  }
  return new Response(opened.body, { status: opened.status, headers });
}

/** See Scope.respond. */
export async function respond(
  scope: ScopeRef,
  Key: string,
  request: Request,
  options: RespondOptions = {},
): Promise<Response> {
  const settings = resolveRespondOptions(options, Key);
  const method = request.method.toUpperCase();
  if (method !== "GET" && method !== "HEAD") {
    return new Response(null, { status: 405, headers: { allow: "GET, HEAD" } });
  }
  const conditions = preconditionsOf(request.headers);
  const answer: Answer = { scope, Key, request, conditions, settings };
  // HTTP defines Range for GET only: a HEAD describes the whole object.
  const range = method === "GET" ? parseRange(request.headers.get("range")) : undefined;
  try {
    if (method === "HEAD" || range === "unsatisfiable") {
      return await fromHead(answer, range === "unsatisfiable");
    }
    return await fromGet(answer, range);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return new Response(null, { status: 404 });
    if (error instanceof PreconditionFailedError) return new Response(null, { status: 412 });
    throw error;
  }
}
