import type { Target } from "../client/context.js";
import { describeTarget } from "../errors/map-error.js";
import { S3OperationError } from "../errors/s3-operation-error.js";

/**
 * Where a listing stands: the request parameters that carry its position (a continuation
 * token, or key and version/upload-id markers). Absent on the first request.
 */
export type Position = Readonly<Record<string, string | undefined>>;

/** One paginated S3 listing (ListObjectsV2, ListMultipartUploads, ListObjectVersions, ListBuckets). */
export interface Pagination<P extends Position, Page extends object> {
  /** The listing request, for the error raised when the store does not move on. */
  target: Target;
  /** Sends the request for the page at `position` (undefined: the first page). */
  fetch(position: P | undefined): Promise<Page>;
  /** The position of the page after `page`, as the page names it (no marker: none named). */
  next(page: Page): P;
  /**
   * The page's first item (key, prefix, upload, version or bucket; any stable spelling),
   * undefined for a page that brings nothing new. No two pages of a listing start with the
   * same item.
   */
  first(page: Page): string | undefined;
}

/**
 * Truncated pages in a row that bring nothing new before a listing counts as stalled. Many
 * are legitimate: S3 answers empty truncated pages while it skips delete markers of a
 * versioned bucket, one page per thousand or so, so a long run of them is normal there; ten
 * thousand in a row (some ten million entries skipped) is beyond that, while endless ones with
 * ever-new positions are a loop.
 */
export const MAX_EMPTY_PAGES = 10_000;

/**
 * The `first` of a page from the first entries of its lists (keys and prefixes, versions and
 * delete markers…): undefined when every list is empty.
 */
export function startOf(...entries: Array<string | undefined>): string | undefined {
  return entries.every((entry) => entry === undefined) ? undefined : JSON.stringify(entries);
}

/**
 * Pages whose positions and first items are remembered to catch a listing that comes back to
 * where it was: a loop through more pages than this is not caught, which keeps a listing's
 * memory constant (a billion keys are a million pages).
 */
export const REMEMBERED_PAGES = 1000;

/** @internal A set that keeps only the `capacity` values added last. */
export class RecentSet {
  readonly #values = new Set<string>();

  constructor(readonly capacity: number) {}

  has(value: string): boolean {
    return this.#values.has(value);
  }

  add(value: string): void {
    this.#values.add(value);
    if (this.#values.size > this.capacity) {
      const oldest = this.#values.values().next().value as string;
      this.#values.delete(oldest);
    }
  }
}

function stalled(target: Target, code: string, problem: string): S3OperationError {
  return new S3OperationError(`${target.operation}${describeTarget(target)}: ${problem}`, {
    ...target,
    code,
    retryable: false,
  });
}

const named = (position: Position): boolean =>
  Object.values(position).some((marker) => marker !== undefined && marker !== "");

/**
 * Whether a listing goes on after `page`. IsTruncated decides when the page has it; a page
 * without it goes on when it names a next page, as the SDK's own paginators do (ListBuckets
 * never sends IsTruncated at all). An explicit `false` is the store's word that it is done.
 */
function truncated(page: object, next: Position): boolean {
  const flag = (page as { IsTruncated?: boolean }).IsTruncated;
  return flag ?? named(next);
}

/**
 * The one pagination loop of every listing: yields each page, then asks for the next one
 * only when the consumer wants more (a `break` sends nothing further). A listing that does
 * not move on ends with an S3OperationError instead of looping: a truncated page naming no
 * next page ("MissingContinuationToken"), a position that came back, a page starting with
 * an item an earlier page started with (that page is not yielded), or MAX_EMPTY_PAGES (10,000)
 * truncated pages in a row that bring nothing new ("PaginationStalled"). The checks are
 * order-agnostic, for stores that sort differently or hand out fresh tokens while returning
 * the same items. Two short strings are remembered for each of the last REMEMBERED_PAGES pages.
 */
export async function* paginate<P extends Position, Page extends object>(
  pagination: Pagination<P, Page>,
): AsyncGenerator<Page, void, undefined> {
  const { target } = pagination;
  const positions = new RecentSet(REMEMBERED_PAGES);
  const firsts = new RecentSet(REMEMBERED_PAGES);
  let position: P | undefined;
  let empty = 0;
  for (;;) {
    const page = await pagination.fetch(position);
    const first = pagination.first(page);
    if (first !== undefined && firsts.has(first)) {
      throw stalled(target, "PaginationStalled", "a page starts where an earlier page started");
    }
    if (first !== undefined) firsts.add(first);
    yield page;
    const next = pagination.next(page);
    if (!truncated(page, next)) return;
    empty = first === undefined ? empty + 1 : 0;
    if (empty === MAX_EMPTY_PAGES) {
      const problem = `${MAX_EMPTY_PAGES} pages in a row brought nothing new`;
      throw stalled(target, "PaginationStalled", problem);
    }
    if (!named(next)) {
      throw stalled(
        target,
        "MissingContinuationToken",
        "the page is truncated but names no next page",
      );
    }
    const key = JSON.stringify(next);
    if (positions.has(key)) {
      throw stalled(target, "PaginationStalled", "the page names a position already listed");
    }
    positions.add(key);
    position = next;
  }
}
