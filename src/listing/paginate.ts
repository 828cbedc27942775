import type { Target } from "../client/context.js";
import { S3OperationError } from "../errors/s3-operation-error.js";

/**
 * Where a listing stands: the request parameters that carry its position (a continuation
 * token, or key and version/upload-id markers). Absent on the first request.
 */
export type Position = Readonly<Record<string, string | undefined>>;

/** One paginated S3 listing (ListObjectsV2, ListMultipartUploads, ListObjectVersions…). */
export interface Pagination<P extends Position, Page extends { IsTruncated?: boolean }> {
  /** The listing request, for the error raised when the store does not move on. */
  target: Target;
  /** Sends the request for the page at `position` (undefined: the first page). */
  fetch(position: P | undefined): Promise<Page>;
  /** The position of the page after `page`, read from a truncated page. */
  next(page: Page): P;
}

function describeTarget(target: Target): string {
  return `${target.operation} s3://${target.bucket ?? ""}/${target.key ?? ""}`;
}

/**
 * Fails when a truncated page does not move the listing on: a position with no marker at all
 * ("MissingContinuationToken"), or the very position just requested ("PaginationStalled").
 * Either way the same page would come back forever.
 */
function checkAdvance<P extends Position>(current: P | undefined, next: P, target: Target): void {
  const markers = Object.values(next);
  const missing = markers.every((marker) => marker === undefined || marker === "");
  const repeated =
    current !== undefined && Object.keys(next).every((name) => next[name] === current[name]);
  if (!missing && !repeated) return;
  throw new S3OperationError(
    missing
      ? `${describeTarget(target)}: the page is truncated but names no next page`
      : `${describeTarget(target)}: the page is truncated but its markers do not advance`,
    {
      ...target,
      code: missing ? "MissingContinuationToken" : "PaginationStalled",
      retryable: false,
    },
  );
}

/**
 * The one pagination loop of every listing: yields each page, then asks for the next one
 * only when the consumer wants more (a `break` sends nothing further). A truncated page that
 * does not advance the position ends the walk with an S3OperationError instead of looping.
 */
export async function* paginate<P extends Position, Page extends { IsTruncated?: boolean }>(
  pagination: Pagination<P, Page>,
): AsyncGenerator<Page, void, undefined> {
  let position: P | undefined;
  for (;;) {
    const page = await pagination.fetch(position);
    yield page;
    if (!page.IsTruncated) return;
    const next = pagination.next(page);
    checkAdvance(position, next, pagination.target);
    position = next;
  }
}
