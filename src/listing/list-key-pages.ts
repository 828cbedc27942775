import type { ScopeRef } from "../common/scope-ref.js";
import { MAX_PAGE_SIZE, walk } from "./walk.js";

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
  const settings = {
    delimiter: undefined,
    startAfter: undefined,
    pageSize: MAX_PAGE_SIZE,
    limit: Number.POSITIVE_INFINITY,
    signal,
    skip,
  };
  return walk(scope, settings, (page) => [page.objects.map((object) => object.key)]);
}
