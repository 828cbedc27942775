import { afterEach, describe, expect, it, vi } from "vitest";
import { type Logger, S3Error, S3OperationError } from "../../src/index.js";
import { drain, rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  okText,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import {
  type Call,
  callsNamed,
  slowDown,
  stallingRead,
  TRANSPORTS,
} from "../helpers/lean-calls.js";

// The lean path runs its own attempt loop. These tests attack what that loop promises, on both
// paths with the same script: one retry budget (the read path's resumes included, counted
// exactly), a server's Retry-After, maxRetries 0, the idle timeout on a silent server or a
// stalled body, and the log lines of it all. (Credentials and clock: lean-signing.test.ts.)

const fakes = useFakeS3();
afterEach(() => {
  vi.restoreAllMocks();
});

/** A logger keeping the fields of the lines named `message`. */
function linesOf(message: string): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const keep = (line: string, fields: Record<string, unknown>) => {
    if (line === message) lines.push(fields);
  };
  return { lines, logger: { debug: keep, info: keep, warn: keep, error: keep } };
}

const CALLS = callsNamed(
  "getText",
  "head",
  "exists",
  "put",
  "delete",
  "getTags",
  "setTags",
  "stream",
);

/** The requests to the object (not HeadBucket), by method. */
function methods(requests: SeenRequest[]): string[] {
  return requests.filter((request) => request.url !== "/b").map((request) => request.method);
}

/** A 10-byte object's first half, then silence. */
const stalled: FakeReply = {
  status: 200,
  headers: { etag: '"e"' },
  contentLength: 10,
  body: "abcde",
  after: "hang",
};

/** The 10-byte object, or the part of it the request's Range asks for. */
function okWhole(request: SeenRequest): FakeReply {
  const text = "abcdefghij";
  const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "");
  if (range === null) return { status: 200, headers: { etag: '"e"' }, body: text };
  const [start, end] = [Number(range[1]), Number(range[2])];
  const headers = { etag: '"e"', "content-range": `bytes ${start}-${end}/10` };
  return { status: 206, headers, body: text.slice(start, end + 1) };
}

describe.each(TRANSPORTS)("retries on the %s path", (transport) => {
  const inAMinute = () => ({ "retry-after": new Date(Date.now() + 60_000).toUTCString() });
  it.each<[string, () => Record<string, string>, number, number]>([
    ["Retry-After in seconds", () => ({ "retry-after": "0.03" }), 20, 30],
    ["Retry-After as an HTTP date, beyond maxRetryDelay", inAMinute, 50, 50],
    ["x-amz-retry-after in milliseconds", () => ({ "x-amz-retry-after": "30" }), 20, 30],
    ["a Retry-After that is no time", () => ({ "retry-after": "soon" }), 0, 0],
  ])("%s sets the delay of the retry", async (_label, headers, least, most) => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const hint = headers();
    const { lines, logger } = linesOf("s3kit retry");
    const { server, s3 } = await fakes.serve(
      (_request, index) => (index === 0 ? { ...slowDown, headers: hint } : okText("ok")),
      { transport, retryDelay: 1, maxRetryDelay: 50, logger },
    );
    expect(await s3.bucket("b").getText("k")).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(lines).toHaveLength(1);
    const delay = lines[0]?.delayMs as number;
    expect(delay).toBeGreaterThanOrEqual(least);
    expect(delay).toBeLessThanOrEqual(most);
  });

  it.each(Object.keys(CALLS))("maxRetries 0: %s makes one attempt on a 503", async (name) => {
    const { server, s3 } = await fakes.serve(() => slowDown, { transport, maxRetries: 0 });
    const outcome = await rejection((CALLS[name] as Call)(s3.bucket("b")));
    expect(outcome).toBeInstanceOf(S3OperationError);
    expect(outcome).toMatchObject({ retryable: true });
    expect(methods(server.requests)).toHaveLength(1);
  });

  it.each([
    ["getText", ["GET", "GET"]],
    ["head", ["HEAD", "HEAD"]],
    ["delete", ["DELETE", "DELETE"]],
    ["getTags", ["GET", "GET"]],
    ["setTags", ["PUT", "PUT"]],
  ])(
    "a silent server: %s times out after requestTimeout, tried maxRetries + 1 times",
    async (name, sent) => {
      const { server, s3 } = await fakes.serve(() => "hang", {
        transport,
        requestTimeout: 100,
        maxRetries: 1,
      });
      const error = await rejection((CALLS[name] as Call)(s3.bucket("b")));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "TimeoutError", retryable: true, attempts: 2 });
      expect(methods(server.requests)).toEqual(sent);
      await vi.waitFor(() => expect(server.openConnections()).toBe(0));
    },
  );

  it("an answer whose body stalls after its headers times out and is tried again", async () => {
    const tagging = "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>";
    const { server, s3 } = await fakes.serve(
      (_request, index) =>
        index === 0
          ? {
              status: 200,
              body: tagging.slice(0, 20),
              contentLength: tagging.length,
              after: "hang",
            }
          : { status: 200, body: tagging },
      { transport, requestTimeout: 100, maxRetries: 1 },
    );
    expect(await s3.bucket("b").getTags("k")).toEqual({ a: "b" });
    expect(server.requests).toHaveLength(2);
  });

  it("a GET whose body stalls resumes where it stopped, pinned to the ETag", async () => {
    const { server, s3 } = await fakes.serve(stallingRead, {
      transport,
      requestTimeout: 100,
      maxRetries: 1,
    });
    const { bytes, error } = await drain(await s3.bucket("b").stream("k"));
    expect(error).toBeUndefined();
    expect(bytes.toString()).toBe("abcdefghij");
    expect(server.requests.map((r) => [r.headers.range, r.headers["if-match"]])).toEqual([
      [undefined, undefined],
      ["bytes=5-9", '"e"'],
    ]);
  });

  // getText takes the whole body at once: on the lean path a small one is read within its
  // request, so a stall fails that request and the next asks for the whole object again
  // (nothing was delivered, nothing can be spliced); the SDK's path resumes as stream() does.
  it("getText of a small body that stalls gets it whole, within the budget", async () => {
    const { server, s3 } = await fakes.serve(
      (request, index) => (request.headers.range || index > 0 ? okWhole(request) : stalled),
      { transport, requestTimeout: 100, maxRetries: 1 },
    );
    expect(await s3.bucket("b").getText("k")).toBe("abcdefghij");
    const second = server.requests[1]?.headers;
    if (transport === "lean") expect(second?.range).toBeUndefined();
    else expect(second).toMatchObject({ range: "bytes=5-9", "if-match": '"e"' });
    expect(server.requests).toHaveLength(2);
  });

  it("a kept-alive connection idle for longer than requestTimeout serves the next request", async () => {
    const { lines, logger } = linesOf("s3kit retry");
    const { server, s3 } = await fakes.serve(() => okText("ok"), {
      transport,
      requestTimeout: 100,
      logger,
    });
    const bucket = s3.bucket("b");
    expect(await bucket.getText("k")).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await bucket.getText("k")).toBe("ok");
    expect(server.requests).toHaveLength(2);
    expect(lines).toEqual([]);
  });
});

/**
 * The scripts of the budget table for an object of `data`: its first half then a reset, its
 * second half as a resume, or 503s.
 */
function budgetScripts(data: Buffer): Record<string, (index: number) => FakeReply> {
  const half = data.length / 2;
  const partial: FakeReply = {
    status: 200,
    headers: { etag: '"e1"' },
    body: data.subarray(0, half),
    contentLength: data.length,
    after: "reset",
  };
  const rest: FakeReply = {
    status: 206,
    headers: { etag: '"e1"', "content-range": `bytes ${half}-${data.length - 1}/${data.length}` },
    body: data.subarray(half),
  };
  return {
    "half the body, then 503s": (index) => (index === 0 ? partial : slowDown),
    "two 503s, half the body, then 503s": (index) =>
      index < 2 ? slowDown : index === 2 ? partial : slowDown,
    "half the body, two 503s, then the rest": (index) =>
      index === 0 ? partial : index < 3 ? slowDown : rest,
    "half the body, then resets": (index) => (index === 0 ? partial : "reset"),
  };
}

describe.each(TRANSPORTS)("one budget for a read and its resumes, on the %s path", (transport) => {
  const data = Buffer.from("abcdefghijklmnopqrst");
  const SCRIPTS = budgetScripts(data);
  // getBytes of an object this large streams on both paths (the lean path holds at most
  // 64 KiB whole), so it resumes as stream() does.
  const large = Buffer.alloc(160 * 1024, "x");
  const LARGE_SCRIPTS = budgetScripts(large);
  // [script, maxRetries, requests the store sees, bytes stream() delivers, its final code]
  const TABLE: Array<[string, number, number, number, string | undefined]> = [
    ["half the body, then 503s", 0, 1, 10, "ECONNRESET"],
    ["half the body, then 503s", 1, 2, 10, "SlowDown"],
    ["half the body, then 503s", 3, 4, 10, "SlowDown"],
    ["two 503s, half the body, then 503s", 1, 2, 0, "SlowDown"],
    ["two 503s, half the body, then 503s", 3, 6, 10, "SlowDown"],
    ["half the body, two 503s, then the rest", 1, 2, 10, "SlowDown"],
    ["half the body, two 503s, then the rest", 3, 4, 20, undefined],
    ["half the body, then resets", 3, 4, 10, "ECONNRESET"],
  ];

  it.each(TABLE)(
    "%s, maxRetries %i: %i requests, stream() delivers %i bytes, then %s",
    async (name, maxRetries, requests, delivered, code) => {
      const script = SCRIPTS[name] as (index: number) => FakeReply;
      const { server, s3 } = await fakes.serve((_request, index) => script(index), {
        transport,
        maxRetries,
      });
      // A first request that fails ends stream() at its await, before any byte.
      const { bytes, error } = await s3
        .bucket("b")
        .stream("k")
        .then(drain, (failure: unknown) => ({ bytes: Buffer.alloc(0), error: failure }));
      expect(bytes.equals(data.subarray(0, delivered))).toBe(true);
      expect((error as { code?: string } | undefined)?.code).toBe(code);
      expect(server.requests).toHaveLength(requests);
    },
  );

  it.each(TABLE)(
    "%s, maxRetries %i: getBytes makes %i requests",
    async (name, maxRetries, requests, delivered) => {
      const script = LARGE_SCRIPTS[name] as (index: number) => FakeReply;
      const { server, s3 } = await fakes.serve((_request, index) => script(index), {
        transport,
        maxRetries,
      });
      const outcome = await s3
        .bucket("b")
        .getBytes("k")
        .catch((error: unknown) => error);
      if (delivered === 20) expect(Buffer.from(outcome as Uint8Array).equals(large)).toBe(true);
      else expect(outcome).toBeInstanceOf(S3OperationError);
      expect(server.requests).toHaveLength(requests);
    },
  );
});

// A small body getBytes takes whole: on the lean path a cut one fails its request, and the
// next asks for the whole object again, within the first request's budget (maxRetries + 1
// requests in all); never a byte of a cut body is delivered or spliced.
describe("getBytes of a small object cut midway, on the lean path", () => {
  const data = Buffer.from("abcdefghijklmnopqrst");
  const cut: FakeReply = {
    status: 200,
    headers: { etag: '"e1"' },
    body: data.subarray(0, 10),
    contentLength: data.length,
    after: "reset",
  };
  it.each<[string, (index: number) => FakeReply, number, number, string | undefined]>([
    [
      "cut, then whole; maxRetries 1: 2 requests",
      (i) => (i === 0 ? cut : okBytes(data)),
      1,
      2,
      undefined,
    ],
    [
      "cut, then 503s; maxRetries 3: 4 requests, SlowDown",
      (i) => (i === 0 ? cut : slowDown),
      3,
      4,
      "SlowDown",
    ],
    ["cut every time; maxRetries 2: 3 requests, ECONNRESET", () => cut, 2, 3, "ECONNRESET"],
    ["cut; maxRetries 0: 1 request, ECONNRESET", () => cut, 0, 1, "ECONNRESET"],
  ])("%s", async (_name, script, maxRetries, requests, code) => {
    const { server, s3 } = await fakes.serve((_request, index) => script(index), {
      transport: "lean",
      maxRetries,
    });
    const outcome = await s3
      .bucket("b")
      .getBytes("k")
      .catch((error: unknown) => error);
    if (code === undefined) expect(Buffer.from(outcome as Uint8Array).equals(data)).toBe(true);
    else {
      expect(outcome).toBeInstanceOf(S3Error);
      expect(outcome).toMatchObject({ code });
    }
    expect(server.requests).toHaveLength(requests);
    expect(server.requests.every((request) => request.headers.range === undefined)).toBe(true);
  });
});

/** A whole object of `data`. */
function okBytes(data: Buffer): FakeReply {
  return { status: 200, headers: { etag: '"e1"' }, body: data, contentLength: data.length };
}

describe("the same log lines on both paths", () => {
  it("requests, failures and retries log the same fields", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const logged: Record<string, unknown[]> = {};
    for (const transport of TRANSPORTS) {
      const lines: unknown[] = [];
      const record = (level: string) => (message: string, fields: Record<string, unknown>) => {
        const { durationMs: _, ...rest } = fields;
        lines.push({ level, message, ...rest });
      };
      const { s3 } = await fakes.serve(
        (request, index): FakeReply => {
          if (index === 1) return slowDown;
          if (request.url.includes("missing"))
            return { status: 404, body: errorXml("NoSuchKey", "no") };
          if (request.method === "HEAD")
            return { status: 200, headers: { etag: '"e"' }, contentLength: 2 };
          return okText("ok");
        },
        {
          transport,
          logger: {
            debug: record("debug"),
            info: record("info"),
            warn: record("warn"),
            error: record("error"),
          },
        },
      );
      const bucket = s3.bucket("b");
      await bucket.getText("k");
      await bucket.getText("k");
      await bucket.head("k");
      await rejection(bucket.getText("missing"));
      await bucket.put("k", "v");
      await bucket.setTags("k", { a: "b" });
      logged[transport] = lines;
    }
    expect(logged.lean).toHaveLength(8);
    expect(logged.lean).toEqual(logged.sdk);
  });
});
