import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import { request, type Target } from "../client/context.js";
import { booleanOption, wholeNumber } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { fullKey, relativeName } from "../prefix/keys.js";
import { paginate, startOf } from "./paginate.js";

/** S3's ceiling on the keys of one ListObjectsV2 page, and our default page size. */
const MAX_PAGE_SIZE = 1000;

/** Options of `iterList()` and `list()`. */
export interface ListOptions {
  /** Only keys after this one (relative to the scope, like every key), in S3's UTF-8 byte order. */
  startAfter?: string;
  /** Stop after this many objects; the last page asks for no more than it needs. */
  limit?: number;
  /** Default true. false: only the objects directly in this folder, none in its subfolders. */
  recursive?: boolean;
  /** Keys per ListObjectsV2 request (MaxKeys), 1 … 1000. Default 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Options of `folders()`. */
export interface FolderOptions {
  /** Stop after this many folders. */
  limit?: number;
  /** Entries per ListObjectsV2 request (MaxKeys, folders and objects together), 1 … 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** One object as a listing reports it. */
export interface ObjectSummary {
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope that listed it. */
  name: string;
  size: number;
  /** The ETag as S3 sends it, quotes included. */
  etag: string | undefined;
  lastModified: Date | undefined;
  storageClass: string | undefined;
}

/** What one paginated walk needs, validated. */
interface Walk {
  delimiter: "/" | undefined;
  startAfter: string | undefined;
  pageSize: number;
  limit: number;
  signal: AbortSignal | undefined;
  /** Full keys to pass over as if the store had not listed them. */
  skip?: ReadonlySet<string>;
}

function checkCommon(options: { limit?: unknown; pageSize?: unknown }, operation: string): void {
  const max = Number.MAX_SAFE_INTEGER;
  wholeNumber(options.limit, 0, { name: "limit", min: 0, max, operation });
  wholeNumber(options.pageSize, 1, { name: "pageSize", min: 1, max: MAX_PAGE_SIZE, operation });
}

/**
 * Undoes `EncodingType: "url"`: the server percent-encodes keys form-style, a space as "+"
 * and a literal "+" as "%2B" (AWS and MinIO alike), so "+" must become a space first.
 * @throws URIError for text that is not valid URL encoding.
 */
function formDecode(raw: string): string {
  return decodeURIComponent(raw.replaceAll("+", " "));
}

/** `formDecode`, failing as an S3OperationError of `target` for a key that does not decode. */
export function decodeKey(raw: string, target: Target): string {
  try {
    return formDecode(raw);
  } catch (error) {
    throw new S3OperationError(
      `${target.operation} s3://${target.bucket}/${target.key ?? ""}: the server sent a key that is not valid URL encoding: ${JSON.stringify(raw)}`,
      { ...target, code: "InvalidKeyEncoding", retryable: false, cause: error },
    );
  }
}

/** `formDecode`, or undefined for text that is not valid URL encoding. */
export function tryDecodeKey(raw: string): string | undefined {
  try {
    return formDecode(raw);
  } catch {
    return undefined;
  }
}

/** The keys and common prefixes of one page, decoded. */
interface Page {
  objects: ObjectSummary[];
  prefixes: string[];
}

/** One ListObjectsV2 answer: what it brings that is new (see `walk`), and where it leads. */
interface ListedPage extends Page {
  IsTruncated: boolean | undefined;
  NextContinuationToken: string | undefined;
}

function decodePage(scope: ScopeRef, output: ListObjectsV2CommandOutput, target: Target): Page {
  // Decode only what the server says it encoded: a store that ignores EncodingType sends raw keys.
  const encoded = output.EncodingType === "url";
  const decode = (value: string) => (encoded ? decodeKey(value, target) : value);
  const objects = (output.Contents ?? []).map((entry): ObjectSummary => {
    const key = decode(entry.Key ?? "");
    return {
      key,
      name: relativeName(scope.path, key),
      size: entry.Size ?? 0,
      etag: entry.ETag,
      lastModified: entry.LastModified,
      storageClass: entry.StorageClass,
    };
  });
  const prefixes = (output.CommonPrefixes ?? []).flatMap((entry) =>
    entry.Prefix === undefined ? [] : [decode(entry.Prefix)],
  );
  return { objects, prefixes };
}

/**
 * Only the keys and common prefixes under `path` (a common prefix strictly below it, never
 * the scope itself): a store that ignores Prefix lists the whole bucket, and what lies
 * outside the scope is never yielded, nor deleted.
 */
function withinScope(path: string, page: Page): Page {
  if (path === "") return page;
  const below = (prefix: string) => prefix.length > path.length && prefix.startsWith(path);
  return {
    objects: page.objects.filter((object) => object.key.startsWith(path)),
    prefixes: page.prefixes.filter(below),
  };
}

/**
 * ListObjectsV2 under the scope, one page in memory at a time, yielding what `pick` takes
 * from each page. Each page asks for at most the items still wanted. The next request is only
 * sent when the consumer asks for more, so a `break` sends nothing further. Two things a page
 * brings are not new, so neither yielded nor counted as progress: the keys in
 * `settings.skip`, and a common prefix equal to the last one an earlier page brought (a page
 * that ends inside a folder repeats it on some stores: LocalStack, versitygw).
 */
async function* walk<T>(
  scope: ScopeRef,
  settings: Walk,
  pick: (page: Page) => T[],
): AsyncGenerator<T, void, undefined> {
  const target: Target = {
    operation: "ListObjectsV2",
    bucket: scope.bucketName,
    key: scope.path === "" ? undefined : scope.path,
  };
  let remaining = settings.limit;
  if (remaining <= 0) return;
  let lastPrefix: string | undefined;
  const fetch = async (position: { ContinuationToken: string | undefined } | undefined) => {
    const output = await request(
      scope.context,
      target,
      (client, http) =>
        client.send(
          new ListObjectsV2Command({
            Bucket: scope.bucketName,
            Prefix: scope.path === "" ? undefined : scope.path,
            Delimiter: settings.delimiter,
            // The continuation token carries the position from the second page on.
            StartAfter: position === undefined ? settings.startAfter : undefined,
            ContinuationToken: position?.ContinuationToken,
            MaxKeys: Math.min(settings.pageSize, remaining),
            EncodingType: "url",
          }),
          http,
        ),
      settings.signal,
    );
    const { objects, prefixes } = decodePage(scope, output, target);
    const repeated = lastPrefix;
    lastPrefix = prefixes.at(-1) ?? lastPrefix;
    const page: ListedPage = {
      objects: objects.filter((object) => !settings.skip?.has(object.key)),
      prefixes: prefixes.filter((prefix) => prefix !== repeated),
      IsTruncated: output.IsTruncated,
      NextContinuationToken: output.NextContinuationToken,
    };
    return page;
  };
  const pages = paginate({
    target,
    fetch,
    next: (page: ListedPage) => ({ ContinuationToken: page.NextContinuationToken }),
    first: (page: ListedPage) => startOf(page.objects[0]?.key, page.prefixes[0]),
  });
  for await (const page of pages) {
    for (const item of pick(withinScope(scope.path, page))) {
      yield item;
      remaining -= 1;
      if (remaining === 0) return;
    }
  }
}

/**
 * Iterates the objects under a scope, page by page (constant memory): recursively, or with
 * `recursive: false` only those directly in the folder. Keys are listed with
 * `EncodingType: "url"` (so keys holding characters XML cannot carry survive) and decoded;
 * a key outside the scope (from a store that ignores Prefix) is never yielded. Options are
 * checked at the call; nothing is requested until iteration starts.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError (also for an abort; "PaginationStalled" for a listing
 * that does not move on: a page that repeats an earlier one, or 10,000 truncated pages in a row
 * that bring nothing new).
 */
export function iterList(
  scope: ScopeRef,
  options: ListOptions = {},
): AsyncGenerator<ObjectSummary, void, undefined> {
  const operation = "list";
  checkCommon(options, operation);
  booleanOption(options.recursive, "recursive", operation);
  // An empty startAfter is the same as none: every key comes after "".
  const startAfter =
    options.startAfter === undefined || options.startAfter === ""
      ? undefined
      : fullKey(scope.path, options.startAfter, `${operation} startAfter`, scope.bucketName);
  const settings: Walk = {
    delimiter: options.recursive === false ? "/" : undefined,
    startAfter,
    pageSize: options.pageSize ?? MAX_PAGE_SIZE,
    limit: options.limit ?? Number.POSITIVE_INFINITY,
    signal: options.signal,
  };
  return walk(scope, settings, (page) => page.objects);
}

/**
 * @internal Every key under a scope, one page of up to 1000 at a time, for deleting a page
 * before the next one is asked for. Keys in `skip` (read as each page arrives) are passed
 * over: neither listed nor judged as the start of a page.
 */
export function listKeyPages(
  scope: ScopeRef,
  signal: AbortSignal | undefined,
  skip?: ReadonlySet<string>,
): AsyncGenerator<string[], void, undefined> {
  const settings: Walk = {
    delimiter: undefined,
    startAfter: undefined,
    pageSize: MAX_PAGE_SIZE,
    limit: Number.POSITIVE_INFINITY,
    signal,
    skip,
  };
  return walk(scope, settings, (page) => [page.objects.map((object) => object.key)]);
}

/**
 * Iterates the folders one level below a scope (the common prefixes of a "/"-delimited
 * listing) as full paths ending in "/"; the façade turns them into Prefix handles. Objects directly in the scope
 * are skipped. A folder a store repeats at the top of the next page (a page that ended
 * inside it) is yielded once.
 * @throws ValidationError at the call for a bad option; while iterating BucketNotFoundError,
 * AccessDeniedError, S3OperationError ("PaginationStalled" as for `listObjects`: after 10,000
 * truncated pages in a row that bring nothing new, e.g. the same folder repeated).
 */
export function folders(
  scope: ScopeRef,
  options: FolderOptions = {},
): AsyncGenerator<string, void, undefined> {
  checkCommon(options, "folders");
  const settings: Walk = {
    delimiter: "/",
    startAfter: undefined,
    pageSize: options.pageSize ?? MAX_PAGE_SIZE,
    limit: options.limit ?? Number.POSITIVE_INFINITY,
    signal: options.signal,
  };
  return walk(scope, settings, (page) => page.prefixes);
}
