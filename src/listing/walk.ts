import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import type { Target } from "../client/context.js";
import { send } from "../client/context.js";
import { wholeNumber } from "../common/checks.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { keyDecoder } from "./decode-key.js";
import { type ObjectSummary, summaryOf } from "./object-summary.js";
import { paginate, startOf } from "./paginate.js";

/** S3's ceiling on the keys of one ListObjectsV2 page, and our default page size. */
export const MAX_PAGE_SIZE = 1000;

/** What one paginated walk needs, validated. */
export interface WalkSettings {
  delimiter: "/" | undefined;
  startAfter: string | undefined;
  pageSize: number;
  limit: number;
  signal: AbortSignal | undefined;
  /** Full keys to pass over as if the store had not listed them. */
  skip?: ReadonlySet<string>;
  /** The Prefix asked for, when narrower than the scope's (a glob's literal start). */
  listPrefix?: string;
  /**
   * Only the objects it keeps are yielded and counted against `limit`; the others still count
   * as the listing's progress (pages of them are not "pages that bring nothing new").
   */
  match?: (object: ObjectSummary) => boolean;
}

/**
 * The `limit` and `pageSize` options every listing shares, checked, with their defaults: no
 * limit, pages of MAX_PAGE_SIZE.
 */
export function resolvePaging(
  options: { limit?: unknown; pageSize?: unknown },
  operation: string,
): Pick<WalkSettings, "limit" | "pageSize"> {
  const max = Number.MAX_SAFE_INTEGER;
  return {
    limit: wholeNumber(options.limit, Number.POSITIVE_INFINITY, {
      name: "limit",
      min: 0,
      max,
      operation,
    }),
    pageSize: wholeNumber(options.pageSize, MAX_PAGE_SIZE, {
      name: "pageSize",
      min: 1,
      max: MAX_PAGE_SIZE,
      operation,
    }),
  };
}

/** The keys and common prefixes of one page, decoded. */
export interface Page {
  objects: ObjectSummary[];
  prefixes: string[];
}

/** One ListObjectsV2 answer: what it brings that is new (see `walk`), and where it leads. */
interface ListedPage extends Page {
  IsTruncated: boolean | undefined;
  NextContinuationToken: string | undefined;
}

function decodePage(scope: ScopeRef, output: ListObjectsV2CommandOutput, target: Target): Page {
  const decode = keyDecoder(output, target);
  const objects = (output.Contents ?? []).map((entry) =>
    summaryOf(scope.path, decode(entry.Key ?? ""), entry),
  );
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
 * The ListObjectsV2 pages under the scope through the one paginator. Each page asks for at
 * most `wanted()` items. Two things a page brings are not new, so left out of it (neither
 * yielded nor counted as progress): the keys in `settings.skip`, and a common prefix equal to
 * the last one an earlier page brought (a page that ends inside a folder repeats it on some
 * stores: LocalStack, versitygw).
 */
function listedPages(
  scope: ScopeRef,
  settings: WalkSettings,
  wanted: () => number,
): AsyncGenerator<ListedPage, void, undefined> {
  const target: Target = {
    operation: "ListObjectsV2",
    bucket: scope.bucketName,
    key: scope.path === "" ? undefined : scope.path,
  };
  let lastPrefix: string | undefined;
  const prefix = settings.listPrefix ?? scope.path;
  const fetch = async (position: { ContinuationToken: string | undefined } | undefined) => {
    const output = await send(
      scope.context,
      target,
      new ListObjectsV2Command({
        Bucket: scope.bucketName,
        Prefix: prefix === "" ? undefined : prefix,
        Delimiter: settings.delimiter,
        // The continuation token carries the position from the second page on.
        StartAfter: position === undefined ? settings.startAfter : undefined,
        ContinuationToken: position?.ContinuationToken,
        MaxKeys: Math.min(settings.pageSize, wanted()),
        EncodingType: "url",
      }),
      { signal: settings.signal },
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
  return paginate({
    target,
    fetch,
    next: (page: ListedPage) => ({ ContinuationToken: page.NextContinuationToken }),
    first: (page: ListedPage) => startOf(page.objects[0]?.key, page.prefixes[0]),
  });
}

/**
 * ListObjectsV2 under the scope, one page in memory at a time, yielding what `pick` takes
 * from each page, at most `settings.limit` items. The next request is only sent when the
 * consumer asks for more, so a `break` sends nothing further.
 */
export async function* walk<T>(
  scope: ScopeRef,
  settings: WalkSettings,
  pick: (page: Page) => T[],
): AsyncGenerator<T, void, undefined> {
  let remaining = settings.limit;
  if (remaining <= 0) return;
  const { match } = settings;
  // A filtered listing cannot tell how many keys it needs: it asks for full pages.
  const wanted = () => (match === undefined ? remaining : settings.pageSize);
  for await (const page of listedPages(scope, settings, wanted)) {
    const within = withinScope(scope.path, page);
    const kept =
      match === undefined ? within : { ...within, objects: within.objects.filter(match) };
    for (const item of pick(kept)) {
      yield item;
      remaining -= 1;
      if (remaining === 0) return;
    }
  }
}
