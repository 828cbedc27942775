import { Readable } from "node:stream";
import { GetObjectCommand, type GetObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Bucket, type OpenedObject, S3, S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  type FakeReply,
  fakeCredentials,
  fakeFetchClient,
  objectAnswer,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";

// The read path takes the SDK's GetObject body as a runtime-neutral source (no node:stream):
// a Node Readable from its Node handler, a web ReadableStream or a Blob from its fetch
// handler (workerd, browsers, Deno), or no body at all. These tests give each kind through
// aws-sdk-client-mock (s3kit's own retries and resumes still run above it) or through the
// SDK's real FetchHttpHandler talking to the scripted store.

const text = "the bytes of one object, read from every kind of body";
const bytes = new TextEncoder().encode(text);
const etag = '"e1"';

type Answer = Record<string, unknown>;
const clients: S3Client[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A bucket whose GetObjects are answered by `answer(input, index)`, no network. */
function mocked(answer: (input: GetObjectCommandInput, index: number) => Answer) {
  const client = new S3Client({ region: "us-east-1", credentials: fakeCredentials });
  clients.push(client);
  const mock = mockClient(client);
  let index = 0;
  mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => answer(input, index++));
  const bucket = new S3({ client, retryDelay: 1, maxRetryDelay: 5 }).bucket("b");
  return { bucket, inputs: () => mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input) };
}

/** The whole object as S3 answers a plain GET, its body being `body`. */
function whole(body: unknown): Answer {
  return { Body: body, ContentLength: bytes.length, ETag: etag };
}

/** What a web stream body's underlying source saw. */
interface SourceLog {
  pulls: number;
  cancelled: unknown[];
}

/**
 * A web ReadableStream of `data` in 10-byte chunks, one per pull, buffering nothing ahead
 * (highWaterMark 0), as a fetch body. After `breakAfter` chunks it fails with `error`, or
 * without one never answers again (a stall).
 */
function webBody(
  data: Uint8Array,
  log: SourceLog,
  options: { breakAfter?: number; error?: Error } = {},
): ReadableStream<Uint8Array> {
  let sent = 0;
  let chunks = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        log.pulls += 1;
        if (chunks === options.breakAfter) {
          if (options.error === undefined) return new Promise<void>(() => {});
          controller.error(options.error);
          return;
        }
        controller.enqueue(data.slice(sent, sent + 10));
        sent += 10;
        chunks += 1;
        if (sent >= data.length) controller.close();
      },
      cancel(reason) {
        log.cancelled.push(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function newLog(): SourceLog {
  return { pulls: 0, cancelled: [] };
}

/** `opened` as an OpenedObject, failing the test on a 304. */
function withBody(opened: Awaited<ReturnType<Bucket["open"]>>): OpenedObject {
  if (opened.status === 304) throw new Error("expected a body");
  return opened;
}

describe("a web ReadableStream body (the SDK's fetch handler)", () => {
  it("is read whole by getText and getBytes, and not cancelled once read to its end", async () => {
    const logs: SourceLog[] = [];
    const { bucket } = mocked(() => {
      const log = newLog();
      logs.push(log);
      return whole(webBody(bytes, log));
    });
    expect(await bucket.getText("k")).toBe(text);
    expect(await bucket.getBytes("k")).toEqual(bytes);
    expect(logs.map((log) => log.cancelled)).toEqual([[], []]);
  });

  it("is pulled only as open()'s stream is read, and cancelling that stream cancels it", async () => {
    const log = newLog();
    const { bucket } = mocked(() => whole(webBody(bytes, log)));
    const opened = withBody(await bucket.open("k"));
    expect(log.pulls).toBe(0); // nothing read before it is asked for
    const reader = opened.body.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe(text.slice(0, 10));
    expect(log.pulls).toBe(1); // one chunk asked, one chunk pulled: no read-ahead
    await reader.cancel();
    expect(log.cancelled).toHaveLength(1);
  });

  it("a Blob body is read whole, by getBytes and by open()", async () => {
    const { bucket } = mocked(() => whole(new Blob([bytes])));
    expect(await bucket.getBytes("k")).toEqual(bytes);
    expect(await new Response(withBody(await bucket.open("k")).body).text()).toBe(text);
  });
});

describe("a Node Readable body (the SDK's Node handler)", () => {
  it("is read whole, and destroyed when open()'s stream is cancelled", async () => {
    const bodies: Readable[] = [];
    const { bucket } = mocked(() => {
      const body = Readable.from([Buffer.from(text.slice(0, 10)), Buffer.from(text.slice(10))]);
      bodies.push(body);
      return whole(body);
    });
    expect(await bucket.getText("k")).toBe(text);
    const opened = withBody(await bucket.open("k"));
    const reader = opened.body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(text.slice(0, 10));
    expect(bodies[1]?.destroyed).toBe(false);
    await reader.cancel();
    expect(bodies[1]?.destroyed).toBe(true);
  });

  it("one that gives text chunks (object mode) is S3OperationError InvalidResponse, and is destroyed", async () => {
    const body = Readable.from([text]);
    const { bucket } = mocked(() => whole(body));
    const error = await rejection(bucket.getText("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidResponse", key: "k" });
    expect((error as Error).message).toMatch(/String chunk/);
    expect(body.destroyed).toBe(true);
  });
});

describe("no body at all", () => {
  it("is an empty object for every read", async () => {
    for (const Body of [undefined, null]) {
      const { bucket } = mocked(() => ({ Body, ContentLength: 0, ETag: etag }));
      expect(await bucket.getBytes("k")).toEqual(new Uint8Array(0));
      expect(await bucket.getText("k")).toBe("");
      const lines: string[] = [];
      for await (const line of bucket.lines("k")) lines.push(line);
      expect(lines).toEqual([]);
      const opened = withBody(await bucket.open("k"));
      expect(opened.contentLength).toBe(0);
      expect(await new Response(opened.body).text()).toBe("");
    }
  });
});

/** A userland stream: async-iterable, but with no destroy() to free its connection. */
class Userland {
  async *[Symbol.asyncIterator]() {
    yield bytes;
  }
}

describe("a body of a type s3kit cannot read", () => {
  it.each([
    ["a string", () => text, /is a String/],
    ["bytes from a custom handler", () => bytes, /is a Uint8Array/],
    ["a plain object", () => ({}), /is a Object/],
    ["an async iterable that cannot be destroyed", () => new Userland(), /is a Userland/],
  ])(
    "%s is S3OperationError InvalidResponse, never an empty object",
    async (_label, body, says) => {
      const { bucket, inputs } = mocked(() => whole(body()));
      for (const read of [() => bucket.getText("k"), () => bucket.open("k")]) {
        const error = await rejection(read());
        expect(error).toBeInstanceOf(S3OperationError);
        expect(error).toMatchObject({ code: "InvalidResponse", key: "k", operation: "GetObject" });
        expect((error as Error).message).toMatch(says);
      }
      expect(inputs()).toHaveLength(2); // refused, not retried
    },
  );
});

describe("a web stream body that breaks is resumed, pinned", () => {
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

  /** The rest of the object from `start`, as S3 answers a pinned ranged GET. */
  function rest(start: number, log: SourceLog): Answer {
    return {
      Body: webBody(bytes.subarray(start), log),
      ContentLength: bytes.length - start,
      ContentRange: `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      ETag: etag,
    };
  }

  it("an error mid-way: the rest comes from a ranged GET pinned to the ETag, no byte twice", async () => {
    const first = newLog();
    const second = newLog();
    const { bucket, inputs } = mocked((_input, index) =>
      index === 0
        ? whole(webBody(bytes, first, { breakAfter: 2, error: reset }))
        : rest(20, second),
    );
    expect(await bucket.getText("k")).toBe(text);
    expect(inputs()).toHaveLength(2);
    expect(inputs()[1]).toMatchObject({ Range: `bytes=20-${bytes.length - 1}`, IfMatch: etag });
  });

  it("workerd's 'Network connection lost.' mid-way is a break that resumes", async () => {
    // What a workerd fetch body fails with when the connection drops (seen in Miniflare).
    const lost = new Error("Network connection lost.");
    const { bucket, inputs } = mocked((_input, index) =>
      index === 0
        ? whole(webBody(bytes, newLog(), { breakAfter: 1, error: lost }))
        : rest(10, newLog()),
    );
    expect(await bucket.getText("k")).toBe(text);
    expect(inputs()[1]).toMatchObject({ Range: `bytes=10-${bytes.length - 1}`, IfMatch: etag });
  });

  it("a stall: the stalled body is cancelled with a TimeoutError, and the read resumes", async () => {
    const first = newLog();
    const { bucket, inputs } = mocked((_input, index) =>
      index === 0 ? whole(webBody(bytes, first, { breakAfter: 3 })) : rest(30, newLog()),
    );
    const opened = withBody(await bucket.open("k", { idleTimeout: 100 }));
    expect(await new Response(opened.body).text()).toBe(text);
    expect(first.cancelled).toHaveLength(1);
    expect(first.cancelled[0]).toMatchObject({ name: "TimeoutError" });
    expect(inputs()[1]).toMatchObject({ Range: `bytes=30-${bytes.length - 1}`, IfMatch: etag });
  });

  it("a resume that brings another object fails with PreconditionFailedError, never splicing", async () => {
    const { bucket } = mocked((_input, index) =>
      index === 0
        ? whole(webBody(bytes, newLog(), { breakAfter: 1, error: reset }))
        : { ...rest(10, newLog()), ETag: '"other"' },
    );
    const error = await rejection(bucket.getText("k"));
    expect(error).toMatchObject({ name: "PreconditionFailedError", key: "k" });
  });
});

describe("through the SDK's fetch handler (real web streams from fetch)", () => {
  const fakes = useFakeS3();

  async function fetchBucket(reply: (request: SeenRequest, index: number) => FakeReply) {
    const server = await fakes.start(reply);
    const client = fakeFetchClient(server);
    clients.push(client);
    const bucket = new S3({ client, retryDelay: 1, maxRetryDelay: 5 }).bucket("b");
    return { server, bucket };
  }

  it("a connection reset mid-body resumes with a ranged GET pinned to the ETag", async () => {
    const { server, bucket } = await fetchBucket((request, index) =>
      index === 0
        ? {
            status: 200,
            headers: { etag },
            body: bytes.subarray(0, 20),
            contentLength: bytes.length,
            after: "reset",
          }
        : objectAnswer(request, bytes, { etag }),
    );
    expect(await bucket.getText("k")).toBe(text);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.headers).toMatchObject({
      range: `bytes=20-${bytes.length - 1}`,
      "if-match": etag,
    });
  });

  /** A store that sends 20 bytes of the object and then nothing, holding the connection. */
  const hanging = (): FakeReply => ({
    status: 200,
    headers: { etag },
    body: bytes.subarray(0, 20),
    contentLength: bytes.length,
    after: "hang",
  });

  it("a cancelled open() stream or an aborted read cancels the fetch: its connection closes, nothing is resumed", async () => {
    // Node 20's fetch closes the socket of a cancelled body some 3 s later; the store holds
    // it forever otherwise. Both cases wait side by side.
    const cancelled = async () => {
      const { server, bucket } = await fetchBucket(hanging);
      const reader = withBody(await bucket.open("k", { idleTimeout: 200 })).body.getReader();
      expect((await reader.read()).done).toBe(false);
      expect(server.openConnections()).toBe(1);
      await reader.cancel();
      await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 8_000 });
      expect(server.requests).toHaveLength(1); // not resumed, though idleTimeout passed
    };
    const aborted = async () => {
      const { server, bucket } = await fetchBucket(hanging);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const error = await rejection(bucket.getBytes("k", { signal: controller.signal }));
      expect(error).toMatchObject({ code: "Aborted" });
      await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 8_000 });
      expect(server.requests).toHaveLength(1);
    };
    await Promise.all([cancelled(), aborted()]);
  }, 15_000);
});
