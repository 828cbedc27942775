import { linkAbort } from "../client/link-abort.js";
import { transferConcurrencyOf, wholeNumber } from "../common/checks.js";
import { MiB } from "../common/limits.js";
import { forEachLimited } from "../common/pool.js";
import { rangeList } from "../common/range-list.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { type ObjectStream, openObjectStream } from "../transfers/open-object-stream.js";
import { type ReadOptions, resolveStreamOptions } from "../transfers/resolve-stream-options.js";
import { invalidRange } from "../transfers/span-of.js";
import { coalesceRanges, type RangeGroup } from "./coalesce-ranges.js";
import { type GetOptions, MAX_BYTES, readWhole } from "./get.js";

/** Options of `getRanges()`: those of `getBytes()` but `range`, and how the GETs are made. */
export interface GetRangesOptions extends Omit<GetOptions, "range"> {
  /**
   * Ranged GETs at once, 1 … 64.
   * @default 8
   */
  concurrency?: number;
  /**
   * The largest gap, in bytes, between two ranges that one GET reads together (the bytes
   * between them are read and dropped): ranges close together cost one request, not one
   * each. Overlapping and adjacent ranges are always read together; 0 … 2^31 − 1.
   * @default 1048576 (1 MiB)
   */
  coalesce?: number;
  /**
   * Milliseconds without progress before a GET counts as stalled and is resumed (as `stream()`).
   * @default 30000
   */
  idleTimeout?: number;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_COALESCE = MiB;
const OPERATION = "getRanges";

/** Why the other GETs of a multi-range read stop: one failed. No one sees it. */
const SIBLING_FAILED = new Error("another range of the read failed");

/**
 * Cuts each range of `group` out of `bytes`, the group's bytes as the store delivered them:
 * fewer than asked when the object ends inside the group (S3 clamps a range running past the
 * end, so does this), none for a range starting at or past the end (S3's 416).
 */
function place(
  scope: ScopeRef,
  Key: string,
  group: RangeGroup,
  bytes: Uint8Array,
  results: Uint8Array[],
) {
  const available = group.start + bytes.length;
  for (const range of group.members) {
    if (range.start >= available) {
      const detail = `ranges[${range.index}] starts at byte ${range.start}, the object has ${available} bytes`;
      throw invalidRange({ scope, Key }, detail);
    }
    const from = range.start - group.start;
    const to = Math.min(range.end, available) - group.start;
    // Each result owns its ArrayBuffer exactly: a group read for one range is that range.
    const alone = group.members.length === 1 && from === 0 && to === bytes.length;
    results[range.index] = alone ? bytes : bytes.slice(from, to);
  }
}

/** Refuses a read of several GETs that cannot be pinned: no ETag in the first answer. */
function unpinnable(scope: ScopeRef, Key: string): S3OperationError {
  return new S3OperationError(
    `${OPERATION} s3://${scope.bucketName}/${Key}: the server answered without an ETag, so the other ranges cannot be pinned to the same object; pass versionId, or read them one by one`,
    { code: "InvalidResponse", bucket: scope.bucketName, key: Key, operation: OPERATION },
  );
}

/** Opens the GET of one group with the read's options. */
function openGroup(scope: ScopeRef, Key: string, read: ReadOptions, group: RangeGroup) {
  const range = { offset: group.start, length: group.end - group.start };
  return openObjectStream(scope, Key, { ...read, range });
}

/**
 * See Scope.getRanges. The groups' GETs go through the one read path (`openObjectStream`):
 * every answer's Content-Range checked, each GET resuming within its own budget. The first
 * GET is answered before the others start, whose If-Match is its ETag.
 */
export async function getRanges(
  scope: ScopeRef,
  Key: string,
  ranges: unknown,
  options: GetRangesOptions = {},
): Promise<Uint8Array[]> {
  const listed = rangeList(ranges, MAX_BYTES, OPERATION);
  const { concurrency, coalesce, signal, ...rest } = options ?? {};
  const limit = transferConcurrencyOf(concurrency, DEFAULT_CONCURRENCY, OPERATION);
  const rule = { name: "coalesce", min: 0, max: MAX_BYTES, operation: OPERATION };
  const groups = coalesceRanges(listed, wholeNumber(coalesce, DEFAULT_COALESCE, rule), MAX_BYTES);
  const controller = new AbortController();
  const read: ReadOptions = {
    ...rest,
    operation: OPERATION,
    maxLength: MAX_BYTES,
    whole: true,
    signal: controller.signal,
  };
  resolveStreamOptions(read); // every option checked, even when no GET is needed
  const results = listed.map(() => new Uint8Array(0));
  if (groups.length === 0) return results;
  const unlink = linkAbort(signal, controller);
  let first: ObjectStream | undefined;
  let failed: { error: unknown } | undefined;
  try {
    first = await openGroup(scope, Key, read, groups[0] as RangeGroup);
    const opened = first;
    if (groups.length > 1 && opened.etag === undefined && read.versionId === undefined) {
      throw unpinnable(scope, Key);
    }
    const pinned = { ...read, ifMatch: opened.etag ?? read.ifMatch };
    await forEachLimited(
      groups,
      limit,
      async (group, index) => {
        try {
          const stream = index === 0 ? opened : await openGroup(scope, Key, pinned, group);
          place(scope, Key, group, await readWhole(scope, Key, OPERATION, stream), results);
        } catch (error) {
          failed ??= { error };
          controller.abort(SIBLING_FAILED);
          throw error;
        }
      },
      controller.signal,
    );
  } catch (error) {
    throw failed === undefined ? error : failed.error;
  } finally {
    first?.body.destroy();
    unlink();
  }
  return results;
}
