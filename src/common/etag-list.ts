/** One entity tag of an If-Match / If-None-Match list: its quoted opaque tag, and whether weak. */
export interface EntityTag {
  /** The tag with its quotes, `"abc"`, as S3 gives ETags. */
  tag: string;
  /** Written `W/"abc"`: equal bytes are not promised, so only a weak comparison can match it. */
  weak: boolean;
}

/** An If-Match or If-None-Match header: `"*"` (any object) or a list of entity tags. */
export type EtagList = "*" | EntityTag[];

/** One list element, then its comma (and any empty elements after it) or the end. */
const ENTITY_TAG = /(W\/)?("[^"]*"|[^\s",]+)\s*(?:,[\s,]*|$)/y;

/**
 * Parses an If-Match / If-None-Match header (RFC 9110, 8.8.3): `*`, or entity tags separated
 * by commas (`"a", W/"b"`); a tag without quotes, as some clients send, counts as quoted.
 * Empty elements (`"a", , "b"`) are skipped, as lists allow (5.6.1.2). Undefined when the
 * header is absent or not such a list: a server ignores what it cannot read.
 */
export function parseEtagList(header: string | null): EtagList | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (text === "*") return "*";
  const tags: EntityTag[] = [];
  ENTITY_TAG.lastIndex = /^[\s,]*/.exec(text)?.[0].length ?? 0;
  while (ENTITY_TAG.lastIndex < text.length) {
    const match = ENTITY_TAG.exec(text);
    if (match === null) return undefined;
    const opaque = match[2] ?? "";
    tags.push({
      tag: opaque.startsWith('"') ? opaque : `"${opaque}"`,
      weak: match[1] !== undefined,
    });
  }
  return tags.length > 0 ? tags : undefined;
}

/** An ETag as an entity tag: S3's ETags are strong and quoted; a bare one gets its quotes. */
function entityTag(etag: string): EntityTag {
  const weak = etag.startsWith("W/");
  const opaque = weak ? etag.slice(2) : etag;
  return { tag: opaque.startsWith('"') ? opaque : `"${opaque}"`, weak };
}

/**
 * Whether an object with `etag` matches `list`: `*` matches any object, a tag matches by the
 * strong comparison (If-Match, If-Range: neither side weak) or the weak one (If-None-Match).
 */
export function etagListMatches(
  list: EtagList,
  etag: string | undefined,
  comparison: "strong" | "weak",
): boolean {
  if (list === "*") return true;
  if (etag === undefined) return false;
  const own = entityTag(etag);
  return list.some(
    (other) => other.tag === own.tag && (comparison === "weak" || !(other.weak || own.weak)),
  );
}
