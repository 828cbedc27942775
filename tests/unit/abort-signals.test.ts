import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Bucket } from "../../src/index.js";
import { S3OperationError } from "../../src/index.js";
import { drain, rejection } from "../helpers/assertions.js";
import { type FakeReply, objectAnswer, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import { deleteResultXml, objectsPageXml, operationOf } from "../helpers/s3-wire.js";

const fakes = useFakeS3();
const dir = useTempDir("signals");

/**
 * An AbortSignal as polyfills build it (abort-controller 3.x, event-target-shim): an
 * EventTarget with `aborted` and `onabort`, but no `reason` and no `throwIfAborted`.
 */
class PolyfillSignal extends EventTarget {
  aborted = false;
  onabort: ((event: Event) => void) | null = null;

  abort(): void {
    this.aborted = true;
    const event = new Event("abort");
    this.onabort?.(event);
    this.dispatchEvent(event);
  }
}

const polyfill = () => new PolyfillSignal() as PolyfillSignal & AbortSignal;

const json = new TextEncoder().encode('{"a":1}');
const okDeleted = { ok: true, deleted: ["k"], failed: [] };

/** Answers every request these tests send like S3 holding the one object "k". */
function store(request: SeenRequest): FakeReply {
  switch (operationOf(request)) {
    case "GetObject":
    case "HeadObject":
      return objectAnswer(request, json, { etag: '"e1"' });
    case "ListObjectsV2":
      return objectsPageXml(["k"]);
    case "DeleteObjects":
      return deleteResultXml();
    default:
      return { status: 200, headers: { etag: '"e1"' } };
  }
}

/** A method that takes a signal, and what it must give back from `store`. */
type Call = [string, (bucket: Bucket, signal: AbortSignal) => Promise<unknown>, unknown];

/** The methods that retry with p-retry, which calls `throwIfAborted` on its signal. */
const retrying: Call[] = [
  ["getText", (b, signal) => b.getText("k", { signal }), '{"a":1}'],
  ["getJson", (b, signal) => b.getJson("k", { signal }), { a: 1 }],
  [
    "stream",
    async (b, signal) => {
      const { bytes, error } = await drain(await b.stream("k", { signal }));
      return error ?? bytes.toString();
    },
    '{"a":1}',
  ],
  [
    "lines",
    async (b, signal) => {
      const lines: string[] = [];
      for await (const line of b.lines("k", { signal })) lines.push(line);
      return lines;
    },
    ['{"a":1}'],
  ],
  ["deleteMany", (b, signal) => b.deleteMany(["k"], { signal }), okDeleted],
  ["deleteAll", (b, signal) => b.deleteAll({ signal }), okDeleted],
];

/** Every other method: the SDK alone uses their signal. */
const others: Call[] = [
  [
    "download",
    async (b, signal) => (await b.download("k", join(dir.path, "k"), { signal })).size,
    json.length,
  ],
  ["exists", (b, signal) => b.exists("k", { signal }), true],
  ["put", async (b, signal) => (await b.put("k", "x", { signal })).etag, '"e1"'],
  ["delete", (b, signal) => b.delete("k", { signal }), undefined],
  ["list", async (b, signal) => (await b.list({ signal })).map((o) => o.key), ["k"]],
];

describe("a polyfilled AbortSignal", () => {
  it.each(retrying)("works with %s", async (_name, call, expected) => {
    const { s3 } = await fakes.serve(store);
    expect(await call(s3.bucket("b"), polyfill())).toEqual(expected);
  });

  it.each(others)("works with %s", async (_name, call, expected) => {
    const { s3 } = await fakes.serve(store);
    expect(await call(s3.bucket("b"), polyfill())).toEqual(expected);
  });

  it.each([
    ["getText", (bucket: Bucket, signal: AbortSignal) => bucket.getText("k", { signal })],
    ["deleteMany", (bucket: Bucket, signal: AbortSignal) => bucket.deleteMany(["k"], { signal })],
  ] as const)(
    "aborting it aborts %s while it waits for the store",
    async (_name, call) => {
      const { s3 } = await fakes.serve(() => "hang");
      const signal = polyfill();
      setTimeout(() => signal.abort(), 50);
      const error = await rejection(call(s3.bucket("b"), signal));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "Aborted", retryable: false });
    },
    5_000,
  );

  it("one that was aborted already stops getText before any request", async () => {
    const { s3, server } = await fakes.serve(store);
    const signal = polyfill();
    signal.abort();
    const error = await rejection(s3.bucket("b").getText("k", { signal }));
    expect(error).toMatchObject({ code: "Aborted" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("a signal that is not an AbortSignal", () => {
  // Every method that returns a promise reports bad input through it, as it did before signals
  // were checked at the call: `Promise.allSettled([bucket.put(…)])` must never throw itself.
  const promised: Array<[string, (bucket: Bucket, signal: AbortSignal) => Promise<unknown>]> = [
    ["put", (b, signal) => b.put("k", "v", { signal })],
    ["getBytes", (b, signal) => b.getBytes("k", { signal })],
    ["getText", (b, signal) => b.getText("k", { signal })],
    ["getJson", (b, signal) => b.getJson("k", { signal })],
    ["exists", (b, signal) => b.exists("k", { signal })],
    ["head", (b, signal) => b.head("k", { signal })],
    ["delete", (b, signal) => b.delete("k", { signal })],
    ["list", (b, signal) => b.list({ signal })],
    ["stream", (b, signal) => b.stream("k", { signal })],
    ["upload", (b, signal) => b.upload(json, "k", { signal })],
    ["download", (b, signal) => b.download("k", join(dir.path, "k"), { signal })],
    ["uploadDir", (b, signal) => b.uploadDir(dir.path, { signal })],
    ["downloadDir", (b, signal) => b.downloadDir(dir.path, { signal })],
    ["deleteMany", (b, signal) => b.deleteMany(["k"], { signal })],
    ["deleteAll", (b, signal) => b.deleteAll({ signal })],
    ["copy", (b, signal) => b.copy("k", "k2", { signal })],
    ["copyMany", (b, signal) => b.copyMany([["k", "k2"]], { signal })],
    ["move", (b, signal) => b.move("k", "k2", { signal })],
    ["setTags", (b, signal) => b.setTags("k", {}, { signal })],
    ["getTags", (b, signal) => b.getTags("k", { signal })],
    ["presign", (b, signal) => b.presign("k", { signal })],
    ["presignPost", (b, signal) => b.presignPost("k", { signal })],
    ["abortUploads", (b, signal) => b.abortUploads({ signal })],
  ];
  it.each(promised)("%s rejects with a ValidationError instead of throwing", async (_, call) => {
    const { server, s3 } = await fakes.serve(store);
    let returned: Promise<unknown> | undefined;
    expect(() => {
      returned = call(s3.bucket("b"), "not a signal" as unknown as AbortSignal);
    }).not.toThrow();
    await expect(returned).rejects.toMatchObject({ name: "ValidationError" });
    expect(server.requests).toHaveLength(0);
  });
});
