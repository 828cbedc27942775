import type { Bucket } from "../../src/index.js";
import { drain } from "./assertions.js";
import { errorXml, type FakeAnswer, type FakeReply, type SeenRequest } from "./fake-s3.js";

/** Both request paths (see S3Options.transport), the lean one first. */
export const TRANSPORTS = ["lean", "sdk"] as const;

/** One call of a bucket's API on key "k", with the caller's signal if any. */
export type Call = (bucket: Bucket, signal?: AbortSignal) => Promise<unknown>;

/** Reads a stream to its end; its error, if any, is the call's. */
async function drained(stream: Parameters<typeof drain>[0]): Promise<void> {
  const { error } = await drain(stream);
  if (error) throw error;
}

/** Every call the lean path makes (object reads, writes, deletes, tags), by name. */
const LEAN_CALLS: Record<string, Call> = {
  getText: (bucket, signal) => bucket.getText("k", { signal }),
  getBytes: (bucket, signal) => bucket.getBytes("k", { signal }),
  head: (bucket, signal) => bucket.head("k", { signal }),
  exists: (bucket, signal) => bucket.exists("k", { signal }),
  put: (bucket, signal) => bucket.put("k", "v", { signal }),
  delete: (bucket, signal) => bucket.delete("k", { signal }),
  getTags: (bucket, signal) => bucket.getTags("k", { signal }),
  setTags: (bucket, signal) => bucket.setTags("k", { a: "b" }, { signal }),
  stream: async (bucket, signal) => drained(await bucket.stream("k", { signal })),
  open: async (bucket, signal) => {
    const opened = await bucket.open("k", { signal });
    if (opened.body) await drained(opened.body);
  },
};

/** The calls named, by name. */
export function callsNamed(...names: Array<keyof typeof LEAN_CALLS>): Record<string, Call> {
  return Object.fromEntries(names.map((name) => [name, LEAN_CALLS[name] as Call]));
}

/** S3 asking its clients to slow down. */
export const slowDown: FakeAnswer = {
  status: 503,
  body: errorXml("SlowDown", "Please reduce your request rate."),
};

/** When a request was signed: its X-Amz-Date ("20250101T000000Z"), in ms. */
export function signedAt(request: { headers: Record<string, unknown> }): number {
  const date = String(request.headers["x-amz-date"]);
  return Date.parse(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
}

/**
 * Keys whose bytes a careless encoder changes: dot segments, escapes, separators, spaces,
 * unicode, control characters, a query's and a fragment's marks.
 */
export const HOSTILE_KEYS = [
  "a/../b",
  "./x",
  "a/./b",
  "%2F",
  "%",
  "+",
  "a b",
  "ünïcödé/😀",
  "a//b",
  "dir/",
  "q?x=1",
  "h#frag",
  "!'()*~",
  '=&;:@,$[]{}|^`\\"<>',
  "tab\there\nnewline\u0001\u007f",
];

/**
 * An object "abcdefghij" whose first GET sends "abcde" and then nothing, connection open;
 * every later GET gets the rest, bytes 5-9, as a 206.
 */
export function stallingRead(_request: SeenRequest, index: number): FakeReply {
  return index === 0
    ? { status: 200, headers: { etag: '"e"' }, contentLength: 10, body: "abcde", after: "hang" }
    : { status: 206, headers: { etag: '"e"', "content-range": "bytes 5-9/10" }, body: "fghij" };
}
