import type { ListedRange } from "../common/range-list.js";

/** Bytes `start` to `end` (exclusive) read by one GET, and the ranges cut from them. */
export interface RangeGroup {
  start: number;
  end: number;
  members: ListedRange[];
}

/**
 * Groups the non-empty ranges into GETs: in order of offset, a range joins the group before
 * it when it starts at most `gap` bytes after that group's end (overlapping and adjacent ones
 * always) and the group stays within `maxSpan` bytes; otherwise it starts a new group.
 */
export function coalesceRanges(
  ranges: readonly ListedRange[],
  gap: number,
  maxSpan: number,
): RangeGroup[] {
  const sorted = ranges
    .filter((range) => range.end > range.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const groups: RangeGroup[] = [];
  for (const range of sorted) {
    const last = groups.at(-1);
    const end = Math.max(last?.end ?? 0, range.end);
    if (last !== undefined && range.start - last.end <= gap && end - last.start <= maxSpan) {
      last.end = end;
      last.members.push(range);
    } else {
      groups.push({ start: range.start, end: range.end, members: [range] });
    }
  }
  return groups;
}
