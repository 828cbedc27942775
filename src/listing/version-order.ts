/** What orders a listed version: its key, whether it is the latest, and its time. */
interface Ordered {
  Key: string;
  entry: { IsLatest?: boolean | undefined; LastModified?: Date | undefined };
}

/**
 * Compares two strings in S3's key order, the UTF-8 byte order, which is code point order
 * (JavaScript's `<` compares UTF-16 units, which puts U+E000…U+FFFF after the astral planes).
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const [x, y] = [left.next(), right.next()];
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}

/**
 * The store's order of ListObjectVersions entries: keys in UTF-8 order, each key's entries
 * newest first (the latest one first, then by LastModified). The SDK parses a page's versions
 * and delete markers into two lists, losing how the store interleaved them, so they are
 * merged by this. Entries of one key with the same time (S3 lists times to the second) keep
 * their order within each list, versions before delete markers: only the latest flag is sure.
 */
export function versionOrder(a: Ordered, b: Ordered): number {
  const byKey = compareKeys(a.Key, b.Key);
  if (byKey !== 0) return byKey;
  if (a.entry.IsLatest !== b.entry.IsLatest) return a.entry.IsLatest ? -1 : 1;
  return (b.entry.LastModified?.getTime() ?? 0) - (a.entry.LastModified?.getTime() ?? 0);
}
