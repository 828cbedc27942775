/** Characters encodeURIComponent leaves alone but SigV4 encodes (it keeps only A-Z a-z 0-9 - . _ ~). */
const SUB_DELIMS = /[!'()*]/g;

/** Text with nothing to encode, the common case: a key also keeps its "/". */
const PLAIN = /^[\w.~-]*$/;
const PLAIN_KEY = /^[\w.~/-]*$/;

function percent(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** `text` encoded as SigV4 and S3 encode a query name or value, or one segment of a path. */
export function uriEncode(text: string): string {
  return PLAIN.test(text) ? text : encodeURIComponent(text).replace(SUB_DELIMS, percent);
}

/**
 * An object key as the path of its URL, the way S3 and the SDK spell it: each segment encoded,
 * every "/" kept, so "a b/../c" stays three segments ("a%20b/../c"), never normalised. S3 signs
 * this path as it is, without encoding it again.
 */
export function uriEncodeKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : key.split("/").map(uriEncode).join("/");
}
