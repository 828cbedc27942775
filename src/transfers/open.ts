import { parseEtagList } from "../common/etag-list.js";
import { httpDate, parseHttpDate } from "../common/http-date.js";
import { preconditionStatus } from "../common/preconditions.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { PreconditionFailedError } from "../errors/precondition-failed-error.js";
import { isS3Error } from "../errors/s3-error.js";
import { checkPinned } from "./check-pinned.js";
import type { ObjectInfo } from "./head-object.js";
import { type ObjectStream, openObjectStream } from "./open-object-stream.js";
import {
  type OpenOptions,
  resolveStreamOptions,
  type StreamSettings,
} from "./resolve-stream-options.js";
import { isPartial } from "./span-of.js";
import { webStream } from "./web-stream.js";

/** The part of an object a 206 answer holds, as its Content-Range says. */
export interface ContentRange {
  /** The first byte, counted from 0. */
  start: number;
  /** The last byte, inclusive. */
  end: number;
  /** The whole object's size; undefined when the store did not say (`bytes 0-9/*`). */
  size: number | undefined;
}

/** What `open()` answers when a condition says the caller's copy is current: HTTP's 304. */
export interface NotModified {
  /** 304: `ifNoneMatch` or `ifModifiedSince` found the object unchanged. */
  status: 304;
  /** No body. */
  body: null;
  /** The object's ETag, quotes included, when the store sent it. */
  etag: string | undefined;
  /** When the object was last written, to the second, when the store sent it. */
  lastModified: Date | undefined;
  /** The object's Cache-Control, when the store sent it (S3 and MinIO do, on a 304 too). */
  cacheControl: string | undefined;
}

/** An object opened by `open()`: its bytes as a web stream, and what the response said. */
export interface OpenedObject
  extends Pick<
    ObjectInfo,
    | "contentType"
    | "etag"
    | "lastModified"
    | "versionId"
    | "metadata"
    | "cacheControl"
    | "contentDisposition"
    | "contentEncoding"
  > {
  /** 206 when a `range` was asked and this is that part; 200 for the whole object. */
  status: 200 | 206;
  /**
   * The bytes, resuming after transient failures like `stream()`. Read it to its end or
   * cancel it: either frees the connection.
   */
  body: ReadableStream<Uint8Array>;
  /** How many bytes `body` holds; undefined when the store sent no Content-Length. */
  contentLength: number | undefined;
  /** For a 206, the part `body` holds; undefined for a 200. */
  range: ContentRange | undefined;
}

/** What `open()` resolves to: the opened object, or `status: 304` without a body. */
export type OpenResult = OpenedObject | NotModified;

/** The 304 an error is (the SDK throws on a 304), with the headers it carries. */
function notModified(error: unknown): NotModified | undefined {
  if (!isS3Error(error) || error.status !== 304) return undefined;
  const cause = error.cause as { $response?: { headers?: Record<string, string | undefined> } };
  const headers = cause?.$response?.headers ?? {};
  const lastModified = parseHttpDate(headers["last-modified"] ?? null);
  const cacheControl = headers["cache-control"];
  return { status: 304, body: null, etag: headers.etag, lastModified, cacheControl };
}

/** The PreconditionFailedError of an object last written after `ifUnmodifiedSince`. */
function changedSince(scope: ScopeRef, Key: string, since: Date, lastModified: Date | undefined) {
  return new PreconditionFailedError(
    `open s3://${scope.bucketName}/${Key}: the object changed after ifUnmodifiedSince (${httpDate(since)}): it was last written ${lastModified && httpDate(lastModified)}`,
    {
      code: "PreconditionFailed",
      status: 412,
      bucket: scope.bucketName,
      key: Key,
      operation: "open",
    },
  );
}

/**
 * A store's 304, once `ifMatch`, else `ifUnmodifiedSince`, hold for the object it describes:
 * RFC 9110 (13.2.2) evaluates them before `ifNoneMatch` and `ifModifiedSince`, which MinIO
 * answers with 304 first. A 304 without an ETag cannot show that `ifMatch` holds.
 * @throws PreconditionFailedError when they do not.
 */
function checkedNotModified(
  scope: ScopeRef,
  Key: string,
  settings: StreamSettings,
  answer: NotModified,
) {
  const where = { operation: "open", bucket: scope.bucketName, key: Key };
  checkPinned({ etag: settings.pin.ifMatch }, { etag: answer.etag }, where);
  const since = settings.conditions.ifUnmodifiedSince;
  const status = preconditionStatus(
    {
      ifMatch: undefined,
      ifNoneMatch: undefined,
      ifModifiedSince: undefined,
      ifUnmodifiedSince: since,
    },
    answer,
  );
  if (since !== undefined && status === 412)
    throw changedSince(scope, Key, since, answer.lastModified);
  return answer;
}

/** An opened stream as open() hands it out: a web body and the first response's headers. */
function openedObject(opened: ObjectStream, ranged: boolean): OpenedObject {
  const { response, start, length, size } = opened;
  const partial = ranged && isPartial(response);
  return {
    status: partial ? 206 : 200,
    body: webStream(opened.body),
    contentLength: length,
    range: partial ? { start, end: start + (length ?? 0) - 1, size } : undefined,
    contentType: response.ContentType,
    etag: response.ETag,
    lastModified: response.LastModified,
    versionId: opened.versionId,
    metadata: response.Metadata ?? {},
    cacheControl: response.CacheControl,
    contentDisposition: response.ContentDisposition,
    contentEncoding: response.ContentEncoding,
  };
}

/**
 * See Scope.open. ONE GetObject, with the conditions sent along; they are checked again on
 * the answer, since some stores ignore them: a 200 that a condition rules out is dropped
 * (its connection closed) and answered as the 304 or 412 it should have been.
 */
export async function open(
  scope: ScopeRef,
  Key: string,
  options: OpenOptions = {},
): Promise<OpenResult> {
  const read = { ...options, operation: "open" };
  const settings = resolveStreamOptions(read);
  const { conditions } = settings;
  let opened: ObjectStream;
  try {
    opened = await openObjectStream(scope, Key, read);
  } catch (error) {
    const answer = notModified(error);
    if (answer !== undefined) return checkedNotModified(scope, Key, settings, answer);
    throw error;
  }
  const { ETag: etag, LastModified: lastModified, CacheControl: cacheControl } = opened.response;
  const ifNoneMatch = parseEtagList(conditions.ifNoneMatch ?? null);
  // ifMatch was checked on the answer already (see firstSpan).
  const status = preconditionStatus(
    { ...conditions, ifNoneMatch, ifMatch: undefined },
    { etag, lastModified },
  );
  if (status === undefined) return openedObject(opened, options.range !== undefined);
  opened.body.destroy();
  if (status === 304) return { status, body: null, etag, lastModified, cacheControl };
  throw changedSince(
    scope,
    Key,
    conditions.ifUnmodifiedSince ?? new Date(Number.NaN),
    lastModified,
  );
}
