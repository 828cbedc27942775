import { getEventListeners } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { S3OperationError } from "../../src/index.js";
import { drain, rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  okText,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { type Call, callsNamed, stallingRead } from "../helpers/lean-calls.js";

// On Bun and Deno (and in the web build) the lean path sends its requests with fetch instead of
// Node's http module. With a `Deno` global it does so here too, through Node's own fetch, so
// the promises Node's exchange keeps can be tried on the fetch exchange: a body that stalls
// fails after requestTimeout, a caller's abort ends a body being read, no listener is left
// on a signal, and no answer that is not a success (a browser's opaque redirect has status 0)
// reads as one.

const fakes = useFakeS3();

/** A fake store and an S3 on the lean path, whatever S3KIT_TRANSPORT says: these are its tests. */
const serveLean: typeof fakes.serve = (reply, options = {}) =>
  fakes.serve(reply, { transport: "lean", ...options });
beforeEach(() => {
  vi.stubGlobal("Deno", {});
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const tagging = "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>";

/** A first answer whose body stops after 20 bytes and never ends; then `then`. */
function stallingOnce(then: FakeReply) {
  return (_request: SeenRequest, index: number): FakeReply =>
    index === 0
      ? {
          status: 200,
          headers: { etag: '"e"' },
          body: tagging.slice(0, 20),
          contentLength: tagging.length,
          after: "hang",
        }
      : then;
}

const CALLS = callsNamed("getTags", "put", "delete", "setTags");

describe("the lean path over fetch", () => {
  it.each([
    ["getTags", { status: 200, body: tagging }],
    ["put", { status: 200, headers: { etag: '"e2"' } }],
    ["delete", { status: 204 }],
    ["setTags", { status: 200 }],
  ] as Array<[string, FakeReply]>)(
    "%s: an answer whose body stalls fails after requestTimeout and is tried again",
    async (name, then) => {
      const { server, s3 } = await serveLean(stallingOnce(then), {
        requestTimeout: 100,
        maxRetries: 1,
      });
      await (CALLS[name] as Call)(s3.bucket("b"));
      expect(server.requests.length).toBeGreaterThanOrEqual(2);
    },
  );

  it("a silent server: the request fails after requestTimeout, maxRetries + 1 times", async () => {
    const { server, s3 } = await serveLean(() => "hang", { requestTimeout: 100, maxRetries: 1 });
    const error = await rejection(s3.bucket("b").getTags("k"));
    expect(error).toMatchObject({ code: "TimeoutError", retryable: true, attempts: 2 });
    expect(server.requests).toHaveLength(2);
  });

  it.each(Object.keys(CALLS))("%s: the caller's abort ends a body being read", async (name) => {
    const { server, s3 } = await serveLean(
      () => ({
        status: 200,
        headers: { etag: '"e"' },
        body: "<Tagging>",
        contentLength: 100,
        after: "hang",
      }),
      {},
    );
    const controller = new AbortController();
    const call = (CALLS[name] as Call)(s3.bucket("b"), controller.signal);
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await rejection(call)).toMatchObject({ code: "Aborted" });
  });

  it("a GET whose body stalls resumes after requestTimeout, pinned to the ETag", async () => {
    const { server, s3 } = await serveLean(stallingRead, { requestTimeout: 100, maxRetries: 1 });
    const { bytes, error } = await drain(await s3.bucket("b").stream("k"));
    expect(error).toBeUndefined();
    expect(bytes.toString()).toBe("abcdefghij");
    expect(server.requests[1]?.headers).toMatchObject({ range: "bytes=5-9", "if-match": '"e"' });
  });

  it("getText of a small body that stalls fails its request after requestTimeout and asks again for the whole", async () => {
    const { server, s3 } = await serveLean(
      (request, index) => (index === 0 ? stallingRead(request, index) : okText("abcdefghij")),
      { requestTimeout: 100, maxRetries: 1 },
    );
    expect(await s3.bucket("b").getText("k")).toBe("abcdefghij");
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers.range).toBeUndefined();
  });

  it("one signal for many calls keeps no listener once they are done", async () => {
    const { s3 } = await serveLean(
      (request) =>
        request.method === "HEAD"
          ? { status: 200, headers: { etag: '"e"' }, contentLength: 2 }
          : request.url.includes("tagging") && request.method === "GET"
            ? { status: 200, body: tagging }
            : okText("ok"),
      {},
    );
    const bucket = s3.bucket("b");
    const controller = new AbortController();
    const { signal } = controller;
    for (let round = 0; round < 10; round++) {
      await bucket.getText("k", { signal });
      await bucket.head("k", { signal });
      await drain(await bucket.stream("k", { signal }));
      for (const call of Object.values(CALLS)) await call(bucket, signal);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("an error body cut off by a reset is retried", async () => {
    const { server, s3 } = await serveLean(
      () => ({
        status: 400,
        body: "<Error><Code>RequestTimeout</Code>",
        contentLength: 1000,
        after: "reset",
      }),
      { maxRetries: 1 },
    );
    const error = await rejection(s3.bucket("b").getTags("k"));
    expect(error).toMatchObject({ retryable: true, status: 400 });
    expect(server.requests).toHaveLength(2);
  });

  it("a 200 carrying an <Error> is that error", async () => {
    const { server, s3 } = await serveLean(
      () => ({ status: 200, body: errorXml("InternalError", "oops") }),
      { maxRetries: 1 },
    );
    const error = await rejection(s3.bucket("b").delete("k"));
    expect(error).toMatchObject({ code: "InternalError", status: 503, retryable: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe("an answer that is no success reads as none", () => {
  it.each(Object.keys(CALLS))(
    "%s answered a browser's opaque redirect (status 0) fails",
    async (name) => {
      // What fetch gives for a 3xx with redirect "manual" in a browser: status 0, no headers, no body.
      vi.stubGlobal("fetch", async () => ({ status: 0, headers: new Headers(), body: null }));
      const { s3 } = await serveLean(() => okText("never asked"), { maxRetries: 0 });
      const error = await rejection((CALLS[name] as Call)(s3.bucket("b")));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ retryable: false });
    },
  );
});
