import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  PreconditionFailedError,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { type FakeReply, objectAnswer, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// open() and respond() against stores that ignore conditions or misbehave, played by the
// scripted server; the real conditional table runs against MinIO (integration/respond.test.ts).

const fakes = useFakeS3();
const data = new TextEncoder().encode("0123456789");
const lastModified = "Wed, 01 Jan 2025 00:00:00 GMT";
/** A store that honours Range but ignores every condition. */
const ignoring = (request: SeenRequest) =>
  objectAnswer(request, data, { etag: '"e1"', "last-modified": lastModified });

async function serve(reply: (request: SeenRequest, index: number) => FakeReply) {
  const { server, s3 } = await fakes.serve(reply);
  return { server, bucket: s3.bucket("b") };
}

describe("open() on a store that ignores conditions", () => {
  it("ifNoneMatch and ifModifiedSince still answer 304, and the 200's connection is closed", async () => {
    const { server, bucket } = await serve(ignoring);
    for (const options of [
      { ifNoneMatch: '"e1"' },
      { ifNoneMatch: "e1" },
      { ifNoneMatch: "*" },
      { ifModifiedSince: new Date(lastModified) },
    ]) {
      const opened = await bucket.open("k", options);
      expect(opened).toEqual({
        status: 304,
        body: null,
        etag: '"e1"',
        lastModified: new Date(lastModified),
      });
    }
    expect(server.requests.map((r) => r.headers["if-none-match"])).toEqual([
      '"e1"',
      "e1",
      "*",
      undefined,
    ]);
    await delay(50);
    expect(server.openConnections()).toBe(0);
  });

  it("ifUnmodifiedSince before the last change fails with PreconditionFailedError", async () => {
    const { bucket } = await serve(ignoring);
    const error = await rejection(
      bucket.open("k", { ifUnmodifiedSince: new Date("2024-12-31T00:00:00Z") }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ code: "PreconditionFailed", status: 412, operation: "open" });
  });

  it("ifModifiedSince counts only without ifNoneMatch, ifUnmodifiedSince only without ifMatch (HTTP)", async () => {
    const { server, bucket } = await serve(ignoring);
    const opened = await bucket.open("k", {
      ifNoneMatch: '"other"',
      ifModifiedSince: new Date(lastModified),
      ifMatch: '"e1"',
      ifUnmodifiedSince: new Date("2024-01-01T00:00:00Z"),
    });
    expect(opened.status).toBe(200);
    expect(await new Response(opened.body).text()).toBe("0123456789");
    const [sent] = server.requests;
    expect(sent?.headers["if-modified-since"]).toBeUndefined();
    expect(sent?.headers["if-unmodified-since"]).toBeUndefined();
  });

  it("a suffix answered with the whole object (Range ignored) is refused, not served as the suffix", async () => {
    const { bucket } = await serve(() => ({ status: 200, headers: { etag: '"e1"' }, body: data }));
    const error = await rejection(bucket.open("k", { range: { suffix: 3 } }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "RangeIgnored" });
  });

  it("a suffix of an empty object is InvalidRange 416 (MinIO answers 206 'bytes 0--1/0')", async () => {
    const { bucket } = await serve(() => ({
      status: 206,
      headers: { etag: '"e0"', "content-range": "bytes 0--1/0" },
      body: "",
    }));
    const error = await rejection(bucket.open("k", { range: { suffix: 3 } }));
    expect(error).toMatchObject({ code: "InvalidRange", status: 416 });
  });
});

describe("respond() reads the forms HTTP allows", () => {
  const respond = async (headers: Record<string, string>) => {
    const { server, bucket } = await serve(ignoring);
    const response = await bucket.respond("k", new Request("http://app.test/k", { headers }));
    return { server, response, text: await response.text() };
  };

  it("a Range end or start past 2^53: to the end, or 416 with the size (from a HEAD)", async () => {
    const whole = await respond({ range: "bytes=2-99999999999999999999" });
    expect([whole.response.status, whole.text]).toEqual([206, "23456789"]);
    expect(whole.server.requests[0]?.headers.range).toBe("bytes=2-");
    const past = await respond({ range: "bytes=99999999999999999999-" });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get("content-range")).toBe("bytes */10");
    expect(past.server.requests.map((r) => r.method)).toEqual(["HEAD"]);
  });

  it("dates in IMF-fixdate, RFC 850 and asctime form count; an unreadable one is ignored", async () => {
    for (const since of [
      lastModified,
      "Wednesday, 01-Jan-25 00:00:00 GMT",
      "Wed Jan  1 00:00:00 2025",
    ]) {
      expect((await respond({ "if-modified-since": since })).response.status, since).toBe(304);
    }
    expect((await respond({ "if-modified-since": "yesterday" })).response.status).toBe(200);
  });

  it("ETag lists (a comma inside quotes too) and weak tags are compared by s3kit; the dropped 200 frees its connection", async () => {
    const list = await respond({ "if-none-match": '"x,y", "e1"' });
    expect(list.response.status).toBe(304);
    expect(list.server.requests[0]?.headers["if-none-match"]).toBeUndefined();
    await delay(50);
    expect(list.server.openConnections()).toBe(0);
    expect((await respond({ "if-none-match": 'W/"e1"' })).response.status).toBe(304);
    expect((await respond({ "if-match": 'W/"e1"' })).response.status).toBe(412);
    expect((await respond({ "if-match": '"a", "e1"' })).text).toBe("0123456789");
  });
});

describe("open()'s body", () => {
  it("cancelled while a read waits, it closes the connection and never resumes", async () => {
    const pieces = Array.from({ length: 20 }, () => new Uint8Array(64 * 1024).fill(7));
    const { server, bucket } = await serve(() => ({
      status: 200,
      headers: { etag: '"big"' },
      body: pieces,
      pauseMs: 30,
    }));
    // A short idleTimeout: a read left hanging would stall, time out and resume within the wait.
    const opened = await bucket.open("k", { idleTimeout: 100 });
    if (opened.status === 304) throw new Error("expected a body");
    const reader = opened.body.getReader();
    expect((await reader.read()).done).toBe(false);
    const pending = reader.read(); // waits for the next piece
    await reader.cancel();
    await pending;
    await delay(500);
    expect(server.requests).toHaveLength(1);
    expect(server.openConnections()).toBe(0);
  });
});

describe("option checks before any request", () => {
  it("open: bad ranges, dates and ifNoneMatch are ValidationErrors", async () => {
    const { server, bucket } = await serve(ignoring);
    for (const options of [
      { range: { suffix: 0 } },
      { range: { suffix: 1.5 } },
      { range: { suffix: 3, offset: 1 } },
      { ifModifiedSince: new Date("nope") },
      { ifUnmodifiedSince: "yesterday" as unknown as Date },
      { ifNoneMatch: "" },
      { ifNoneMatch: "é" },
    ]) {
      expect(await rejection(bucket.open("k", options))).toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("respond: download with inline, an empty filename or a bad cacheControl are ValidationErrors", async () => {
    const { server, bucket } = await serve(ignoring);
    const request = new Request("http://app.test/k");
    for (const options of [
      { download: true, inline: true },
      { filename: "" },
      { cacheControl: "no\nstore" },
      { download: "yes" as unknown as boolean },
    ]) {
      expect(await rejection(bucket.respond("k", request, options))).toBeInstanceOf(
        ValidationError,
      );
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe("contentDisposition", () => {
  it("attachment by default, inline on request, RFC 8187 filename* outside ASCII", () => {
    expect(contentDisposition("a.pdf")).toBe('attachment; filename="a.pdf"');
    expect(contentDisposition("a.pdf", { inline: true })).toBe('inline; filename="a.pdf"');
    expect(contentDisposition("Résumé (1).pdf")).toBe(
      `attachment; filename="R_sum_ (1).pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%281%29.pdf`,
    );
  });
});
