/**
 * The little XML the lean path reads and writes: S3's error bodies and tag sets, flat
 * elements holding text. Text in XML cannot hold a raw "<", so a leaf's text runs up to the
 * next "<" that opens no CDATA section; entities are decoded as the SDK's parser decodes
 * them, whitespace is kept.
 */

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** `text` with XML's entities and character references replaced by what they stand for. */
export function unescapeXml(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name] ?? whole;
    const code =
      name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** `text` safe inside an XML element: the five special characters escaped. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (char) => `&${Object.keys(ENTITIES).find((name) => ENTITIES[name] === char)};`,
  );
}

/** The contents of every `<name>…</name>` element of `xml` (attributes allowed), in order. */
export function elementBodies(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, "g");
  return Array.from(xml.matchAll(pattern), (match) => match[1] ?? "");
}

/** A leaf's text: CDATA sections as they are, the rest with its entities decoded. */
function leafText(raw: string): string {
  if (!raw.includes("<![CDATA[")) return unescapeXml(raw);
  return raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|[^<]+/g, (whole, cdata?: string) =>
    cdata === undefined ? unescapeXml(whole) : cdata,
  );
}

/**
 * The leaf elements of `xml` (those holding only text and CDATA sections) by name, decoded;
 * the first wins. A map, so that no name a store sends ("__proto__", "constructor") can act
 * on an object.
 */
export function leafFields(xml: string): Map<string, string> {
  const fields = new Map<string, string>();
  const leaf = /<([A-Za-z][\w.-]*)(?:\s[^>]*)?>((?:[^<]|<!\[CDATA\[[\s\S]*?\]\]>)*)<\/\1>/g;
  for (const match of xml.matchAll(leaf)) {
    const [, name, text] = match;
    if (name !== undefined && !fields.has(name)) fields.set(name, leafText(text ?? ""));
  }
  return fields;
}
