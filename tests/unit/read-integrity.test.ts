import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  type Logger,
  PreconditionFailedError,
  S3OperationError,
  type S3Options,
} from "../../src/index.js";
import { drain, rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  objectAnswer,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";

// Stores that misbehave the way real ones do (ignoring If-Match, the end of a Range, or
// Content-Length; answers that never come), played by the scripted server.

const fakes = useFakeS3();
const temp = useTempDir("read-integrity");
const MiB = 1024 * 1024;

/** An S3 (quick retries) whose fake store answers with `reply`, and its bucket "b". */
async function serve(
  reply: (request: SeenRequest, index: number) => FakeReply,
  options: S3Options & { client?: undefined } = {},
) {
  const { server, s3 } = await fakes.serve(reply, options);
  return { server, bucket: s3.bucket("b") };
}

const gets = (requests: SeenRequest[]) => requests.filter((r) => r.method === "GET");

describe("every response is the pinned object", () => {
  const data = Buffer.from("version two of the object");

  it("hardening 1: getBytes/getText/stream with ifMatch refuse a first response with another ETag", async () => {
    // The store ignores If-Match and answers with whatever it holds now.
    const { server, bucket } = await serve((request) =>
      objectAnswer(request, data, { etag: '"v2"' }),
    );
    for (const read of [
      () => bucket.getBytes("k", { ifMatch: '"v1"' }),
      () => bucket.getText("k", { ifMatch: "v1" }),
      () => bucket.stream("k", { ifMatch: '"v1"' }),
    ]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({ code: "PreconditionFailed", key: "k" });
    }
    expect(gets(server.requests).map((r) => r.headers["if-match"])).toEqual(['"v1"', "v1", '"v1"']);
  });

  it("lines() with ifMatch refuses another ETag, the error naming lines as its operation", async () => {
    const { bucket } = await serve((request) => objectAnswer(request, data, { etag: '"v2"' }));
    const read = async () => {
      for await (const _line of bucket.lines("k", { ifMatch: '"v1"' })) {
      }
    };
    const error = await rejection(read());
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ code: "PreconditionFailed", key: "k", operation: "lines" });
  });

  it("ifMatch matches an ETag given with or without its quotes", async () => {
    const { bucket } = await serve((request) => objectAnswer(request, data, { etag: '"v2"' }));
    expect(await bucket.getText("k", { ifMatch: "v2" })).toBe(data.toString());
    expect(await bucket.getText("k", { ifMatch: '"v2"' })).toBe(data.toString());
  });

  it("hardening 1: a versionId read refuses a response naming another version", async () => {
    const { bucket } = await serve((request) =>
      objectAnswer(request, data, { etag: '"v2"', "x-amz-version-id": "other" }),
    );
    const error = await rejection(bucket.getBytes("k", { versionId: "wanted" }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });

  it("hardening 1: a versionId read refuses an answer naming no version (a store ignoring ?versionId=)", async () => {
    // The store answers every GET and HEAD with its latest object and no x-amz-version-id.
    const { server, bucket } = await serve((request) =>
      objectAnswer(request, data, { etag: '"latest"' }),
    );
    const versionId = "an-older-version";
    for (const read of [
      () => bucket.getText("k", { versionId }),
      () => bucket.getBytes("k", { versionId }),
      () => bucket.stream("k", { versionId }),
    ]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect((error as Error).message).toContain(versionId);
    }
    const error = await rejection(bucket.download("k", join(temp.path, "k.txt"), { versionId }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await readdir(temp.path)).toEqual([]);
    // The HEAD already told: no GET for the download.
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "GET", "GET", "HEAD"]);
    for (const request of server.requests) expect(request.url).toContain(`versionId=${versionId}`);
  });

  it("hardening 1: a resume answered without the version the first response named is refused", async () => {
    const body = randomBytes(30);
    const { server, bucket } = await serve((request, index) =>
      index === 0
        ? {
            status: 200,
            headers: { etag: '"e1"', "x-amz-version-id": "v1" },
            body: body.subarray(0, 10),
            contentLength: 30,
            after: "reset",
          }
        : objectAnswer(request, body, { etag: '"e1"' }),
    );
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(bytes.equals(body.subarray(0, 10))).toBe(true);
    expect(server.requests[1]?.url).toContain("versionId=v1");
  });

  it('the "null" version (an object stored without versioning) may come without a version id', async () => {
    const { bucket } = await serve((request) => objectAnswer(request, data, { etag: '"e1"' }));
    expect(await bucket.getText("k", { versionId: "null" })).toBe(data.toString());
    const target = join(temp.path, "k.txt");
    await bucket.download("k", target, { versionId: "null" });
    expect(await readFile(target, "utf8")).toBe(data.toString());
  });

  it("hardening 1: download() of an object changed between two parts rejects and writes no file", async () => {
    const size = 2 * MiB + 5;
    const v1 = randomBytes(size);
    const v2 = randomBytes(size); // same size: only the ETag tells the versions apart
    // HEAD and the first part see v1; the store ignores If-Match, so later parts get v2.
    const { server, bucket } = await serve((request) => {
      const first = request.method === "HEAD" || /^bytes=0-/.test(`${request.headers.range}`);
      return first
        ? objectAnswer(request, v1, { etag: '"v1"' })
        : objectAnswer(request, v2, { etag: '"v2"' });
    });
    const target = join(temp.path, "out.bin");
    const error = await rejection(bucket.download("k", target, { partSize: MiB, concurrency: 1 }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(await readdir(temp.path)).toEqual([]);
    // Every part asked for v1 only.
    for (const get of gets(server.requests)) expect(get.headers["if-match"]).toBe('"v1"');
  });

  it("hardening 1: download({ ifMatch }) refuses a HEAD answering another ETag, before any GET", async () => {
    const { server, bucket } = await serve((request) =>
      objectAnswer(request, data, { etag: '"v2"' }),
    );
    const error = await rejection(
      bucket.download("k", join(temp.path, "out.txt"), { ifMatch: '"v1"' }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD"]);
    expect(await readdir(temp.path)).toEqual([]);
  });
});

describe("every Content-Range is checked, every chunk counted", () => {
  const data = randomBytes(108);
  /** A store that ignores the end of a Range: `bytes=a-b` gets everything from a. */
  const ignoringEnd = (request: SeenRequest): FakeReply => {
    const start = Number(/^bytes=(\d+)-/.exec(`${request.headers.range}`)?.[1] ?? 0);
    return {
      status: 206,
      headers: { etag: '"e1"', "content-range": `bytes ${start}-107/108` },
      body: data.subarray(start),
    };
  };

  it("hardening 4: a store ignoring the end of a Range never makes stream() yield extra bytes", async () => {
    const { server, bucket } = await serve(ignoringEnd);
    const error = await rejection(bucket.stream("k", { range: { offset: 0, length: 10 } }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "LengthMismatch", key: "k" });
    // No second request, and certainly no impossible `bytes=108-9`.
    expect(server.requests.map((r) => r.headers.range)).toEqual(["bytes=0-9"]);
  });

  it("hardening 4: getBytes of a range from such a store fails with LengthMismatch, not a RangeError", async () => {
    const { bucket } = await serve(ignoringEnd);
    const error = await rejection(bucket.getBytes("k", { range: { offset: 0, length: 10 } }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "LengthMismatch" });
  });

  it("hardening 4: the first chunk after a resume counts against the length", async () => {
    // The first answer breaks after 10 of 20 bytes; the resume announces the right range
    // but, sent without Content-Length, carries 30 bytes instead of 10.
    const { server, bucket } = await serve(
      (_request, index): FakeReply =>
        index === 0
          ? {
              status: 200,
              headers: { etag: '"e1"' },
              body: data.subarray(0, 10),
              contentLength: 20,
              after: "reset",
            }
          : {
              status: 206,
              headers: { etag: '"e1"', "content-range": "bytes 10-19/20" },
              body: data.subarray(10, 40),
              contentLength: "none",
            },
    );
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "LengthMismatch" });
    expect(bytes.length).toBeLessThanOrEqual(20);
    expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
    expect(server.requests[1]?.headers.range).toBe("bytes=10-19");
  });

  it("hardening 4: a resume whose Content-Range runs past the end asked for is refused", async () => {
    // A read of bytes 0-19 of a 108-byte object breaks after 10; the resume asks bytes=10-19
    // and the store answers bytes 10-107.
    const { bucket } = await serve((request, index) =>
      index === 0
        ? {
            status: 206,
            headers: { etag: '"e1"', "content-range": "bytes 0-19/108" },
            body: data.subarray(0, 10),
            contentLength: 20,
            after: "reset",
          }
        : ignoringEnd(request),
    );
    const { bytes, error } = await drain(
      await bucket.stream("k", { range: { offset: 0, length: 20 } }),
    );
    expect(error).toMatchObject({ code: "LengthMismatch" });
    expect(bytes.equals(data.subarray(0, 10))).toBe(true);
  });
});

describe("a whole-object read answered with a part", () => {
  const data = randomBytes(100);
  /** A store answering a GET without Range with a 206 of `part` (its Content-Range, if any). */
  const partial =
    (range: string | undefined, part: Uint8Array) =>
    (request: SeenRequest): FakeReply =>
      request.method === "HEAD"
        ? objectAnswer(request, data, { etag: '"e1"' })
        : {
            status: 206,
            headers: { etag: '"e1"', ...(range ? { "content-range": range } : {}) },
            body: part,
          };

  it("hardening 4: getBytes/getText/stream refuse a part of the object as the whole of it", async () => {
    for (const [range, part, code] of [
      ["bytes 0-9/100", data.subarray(0, 10), "LengthMismatch"],
      ["bytes 50-99/100", data.subarray(50), "RangeIgnored"],
      ["bytes 0-9/*", data.subarray(0, 10), "LengthMismatch"],
      [undefined, data.subarray(0, 10), "RangeIgnored"],
    ] as const) {
      const { bucket } = await serve(partial(range, part));
      for (const read of [
        () => bucket.getBytes("k"),
        () => bucket.getText("k"),
        () => bucket.stream("k"),
      ]) {
        const error = await rejection(read());
        expect(error, range).toBeInstanceOf(S3OperationError);
        expect(error, range).toMatchObject({ code, key: "k" });
      }
    }
  });

  it("hardening 4: download() refuses a 206 holding half the object and writes no file", async () => {
    const { bucket } = await serve(partial("bytes 0-49/100", data.subarray(0, 50)));
    const error = await rejection(bucket.download("k", join(temp.path, "k.bin")));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "LengthMismatch" });
    expect(await readdir(temp.path)).toEqual([]);
  });

  it("a 206 that holds every byte (bytes 0-99/100) is the whole object", async () => {
    const { bucket } = await serve(partial("bytes 0-99/100", data));
    expect(Buffer.from(await bucket.getBytes("k")).equals(data)).toBe(true);
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
  });
});

describe("a Range answered with the whole object (200, no Content-Range)", () => {
  const data = randomBytes(100);
  /** A store that ignores every Range and answers 200 with the whole body. */
  const whole = (): FakeReply => ({ status: 200, headers: { etag: '"e1"' }, body: data });

  it("hardening 4: is accepted when the range asked for covers the whole object", async () => {
    const { bucket } = await serve(whole);
    for (const range of [{ offset: 0 }, { offset: 0, length: 100 }, { offset: 0, length: 500 }]) {
      expect(Buffer.from(await bucket.getBytes("k", { range })).equals(data)).toBe(true);
      const { bytes, error } = await drain(await bucket.stream("k", { range }));
      expect(error).toBeUndefined();
      expect(bytes.equals(data)).toBe(true);
    }
  });

  it("a resume answered so by an object of another size is refused, never spliced", async () => {
    // The first answer breaks before its first byte; the resume asks for bytes 0-99 again and
    // gets a whole 50-byte object under the same ETag (a store ignoring If-Match).
    const { bucket } = await serve(
      (_request, index): FakeReply =>
        index === 0
          ? {
              status: 206,
              headers: { etag: '"e1"', "content-range": "bytes 0-99/100" },
              body: "",
              contentLength: 100,
              after: "reset",
            }
          : { status: 200, headers: { etag: '"e1"' }, body: data.subarray(0, 50) },
    );
    const { bytes, error } = await drain(await bucket.stream("k", { range: { offset: 0 } }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(bytes.length).toBe(0);
  });

  it("is refused for any other range, before a byte is delivered", async () => {
    const { bucket } = await serve(whole);
    for (const range of [{ offset: 0, length: 99 }, { offset: 1 }, { offset: 5, length: 95 }]) {
      const error = await rejection(bucket.stream("k", { range }));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "RangeIgnored", key: "k" });
    }
  });
});

describe("a body without Content-Length", () => {
  const text = "a complete body, sent chunked by a gateway";

  it("hardening 5: getText/getBytes/getJson accept a whole object without Content-Length", async () => {
    const { bucket } = await serve((request) => ({
      status: 200,
      headers: { etag: '"e1"' },
      body: request.url.includes("k.json") ? '{"ok":true}' : [text.slice(0, 10), text.slice(10)],
      contentLength: "none",
      pauseMs: 5,
    }));
    expect(await bucket.getText("k")).toBe(text);
    expect(Buffer.from(await bucket.getBytes("k")).toString()).toBe(text);
    expect(await bucket.getJson("k.json")).toEqual({ ok: true });
  });

  it("hardening 5: a chunked body that breaks resumes and learns the size from Content-Range", async () => {
    const data = Buffer.from(text);
    const { server, bucket } = await serve((request, index) =>
      index === 0
        ? {
            status: 200,
            headers: { etag: '"e1"' },
            body: [data.subarray(0, 10), data.subarray(10, 15)],
            pauseMs: 20,
            contentLength: "none",
            after: "reset",
          }
        : objectAnswer(request, data, { etag: '"e1"' }),
    );
    expect(Buffer.from(await bucket.getBytes("k")).toString()).toBe(text);
    const resumed = server.requests[1];
    expect(resumed?.headers.range).toMatch(/^bytes=(10|15)-$/);
    expect(resumed?.headers["if-match"]).toBe('"e1"');
  });
});

describe("a chunked body that broke after its last byte", () => {
  const data = Buffer.from("all of the bytes");
  /**
   * The whole object sent chunked, the connection reset before the chunked terminator; a
   * resume from its end gets 416 for a `data.length`-byte object, told the way `tells` says
   * (a Content-Range, as RFC 9110 has it, or the ActualObjectSize of S3's and MinIO's error
   * body); a HEAD answers with `headEtag`.
   */
  const brokenAtTheEnd =
    (tells: "content-range" | "body", headEtag = '"e1"') =>
    (request: SeenRequest, index: number): FakeReply => {
      if (request.method === "HEAD") return objectAnswer(request, data, { etag: headEtag });
      if (index === 0) {
        const headers = { etag: '"e1"' };
        return { status: 200, headers, body: data, contentLength: "none", after: "reset" };
      }
      const body =
        tells === "body"
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message><ActualObjectSize>${data.length}</ActualObjectSize></Error>`
          : errorXml("InvalidRange", "The requested range is not satisfiable");
      const headers: Record<string, string> =
        tells === "content-range" ? { "content-range": `bytes */${data.length}` } : {};
      return { status: 416, headers, body };
    };

  it("hardening 5: a resume answered 416 for exactly the bytes received ends the read cleanly", async () => {
    for (const tells of ["content-range", "body"] as const) {
      const { server, bucket } = await serve(brokenAtTheEnd(tells));
      expect(await bucket.getText("k"), tells).toBe(data.toString());
      // The resume, then a HEAD pinned to the ETag that confirms the object is still that one.
      const seen = server.requests.map((r) => [r.method, r.headers.range, r.headers["if-match"]]);
      expect(seen, tells).toEqual([
        ["GET", undefined, undefined],
        ["GET", `bytes=${data.length}-`, '"e1"'],
        ["HEAD", undefined, '"e1"'],
      ]);
    }
  });

  it("hardening 5: a 416 does not end the read when the object is no longer the one read", async () => {
    const { bucket } = await serve(brokenAtTheEnd("content-range", '"e2"'));
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(bytes.equals(data)).toBe(true);
  });
});

describe("resumes that bring little", () => {
  /**
   * A store that sends `perConnection` bytes of what is asked, then resets the connection
   * (what fits in `perConnection` bytes goes out whole).
   */
  const dribbling =
    (data: Uint8Array, perConnection: number) =>
    (request: SeenRequest): FakeReply => {
      const answer = objectAnswer(request, data, { etag: '"e1"' });
      const body = answer.body as Uint8Array;
      if (body.length <= perConnection) return answer;
      const cut = body.subarray(0, perConnection);
      return { ...answer, body: cut, contentLength: body.length, after: "reset" };
    };

  /** The "s3kit resume" lines an S3 logs into `lines`. */
  function resumeLogger(lines: Array<Record<string, unknown>>): Logger {
    return { warn: (message, fields) => message === "s3kit resume" && lines.push(fields) };
  }

  it("hardening 13: a store sending one byte per connection costs maxRetries resumes, not one per byte", async () => {
    const data = randomBytes(300);
    const { server, bucket } = await serve(dribbling(data, 1), {
      maxRetries: 3,
    });
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ retryable: true, key: "k" });
    expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
    // The first GET and three resumes, each bringing one byte: no budget was refilled.
    expect(server.requests).toHaveLength(4);
    expect(bytes.length).toBe(4);
  });

  it("hardening 13: resumes without progress back off with the policy's delays", async () => {
    const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
    try {
      const lines: Array<Record<string, unknown>> = [];
      const data = randomBytes(300);
      const { server, bucket } = await serve(dribbling(data, 1), {
        maxRetries: 3,
        retryDelay: 40,
        maxRetryDelay: 1000,
        logger: resumeLogger(lines),
      });
      const started = performance.now();
      const { error } = await drain(await bucket.stream("k"));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(S3OperationError);
      // Full jitter at 0.5: the first resume goes at once, the next ones wait half of
      // retryDelay × 2^(n-1) for the n requests already spent.
      expect(lines.map((line) => line.delay)).toEqual([0, 20, 40]);
      expect(lines.map((line) => line.offset)).toEqual([1, 2, 3]);
      expect(elapsed).toBeGreaterThanOrEqual(55);
      expect(server.requests).toHaveLength(4);
    } finally {
      random.mockRestore();
    }
  });

  it("hardening 13: resumes after connections that each brought 64 KiB go at once, each with a fresh budget", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const data = randomBytes(4 * 64 * 1024 + 10);
    const { server, bucket } = await serve(dribbling(data, 64 * 1024), {
      maxRetries: 1,
      logger: resumeLogger(lines),
    });
    const { bytes, error } = await drain(await bucket.stream("k"));
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    // More resumes than maxRetries, each after a connection that brought 64 KiB: none
    // waited, none ran out.
    expect(server.requests).toHaveLength(5);
    expect(lines.map((line) => line.delay)).toEqual([0, 0, 0, 0]);
  });
});

describe("getBytes owns its bytes", () => {
  it("hardening 10: the Uint8Array owns its ArrayBuffer exactly, after reading another object", async () => {
    const secret = Buffer.from("another object's secret ".repeat(20));
    const small = Buffer.from("small object");
    const { bucket } = await serve((request) =>
      objectAnswer(request, request.url.includes("secret") ? secret : small, { etag: '"e"' }),
    );
    await bucket.getBytes("secret");
    const bytes = await bucket.getBytes("small");
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.length);
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", bytes.buffer as ArrayBuffer));
    expect(digest.toString("hex")).toBe(createHash("sha256").update(small).digest("hex"));
  });
});

describe("no read waits forever", () => {
  it("hardening 11: a resume that is accepted and never answered fails the read after the budget", async () => {
    const data = randomBytes(20);
    // Half the body, then the connection breaks; every resume is accepted and never answered.
    const { server, bucket } = await serve(
      (_request, index) =>
        index === 0
          ? {
              status: 200,
              headers: { etag: '"e1"' },
              body: data.subarray(0, 10),
              after: "reset",
              contentLength: 20,
            }
          : "hang",
      { maxRetries: 2 },
    );
    const { bytes, error } = await drain(await bucket.stream("k", { idleTimeout: 150 }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TimeoutError", retryable: true, key: "k" });
    expect(bytes.equals(data.subarray(0, 10))).toBe(true);
    // The first GET and maxRetries resume attempts, each cancelled: no socket is left waiting.
    expect(server.requests).toHaveLength(3);
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  }, 5_000);

  it("hardening 11: a first request that is never answered fails after idleTimeout, tried maxRetries + 1 times", async () => {
    const { server, bucket } = await serve(() => "hang", { maxRetries: 1 });
    const error = await rejection(bucket.stream("k", { idleTimeout: 100 }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TimeoutError", retryable: true });
    expect(server.requests).toHaveLength(2);
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  }, 5_000);

  it("a caller's abort while waiting for the response is still an abort", async () => {
    const { bucket } = await serve(() => "hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(bucket.getBytes("k", { signal: controller.signal }));
    expect(error).toMatchObject({ code: "Aborted", retryable: false });
  }, 5_000);

  it("hardening 11: every request of the SDK path has a socket idle timeout by default (requestTimeout 120000)", async () => {
    // The lean path's default is the same constant; "requestTimeout fails a request whose
    // server goes silent" (s3-options.test.ts) shows it applies there.
    const { s3 } = await fakes.serve(() => ({ status: 200, body: "x" }), { transport: "sdk" });
    expect(await s3.bucket("b").getText("k")).toBe("x");
    // The handler's settings, as it resolved them for that request.
    const handler = s3.client.config.requestHandler as {
      httpHandlerConfigs(): { socketTimeout?: number };
    };
    expect(handler.httpHandlerConfigs().socketTimeout).toBe(120_000);
  });
});

describe("reads too large for memory", () => {
  it("hardening 12: getBytes of a 5 GiB object fails from Content-Length before reading, releasing the socket", async () => {
    const { server, bucket } = await serve(() => ({
      status: 200,
      headers: { etag: '"e1"' },
      body: "abc",
      contentLength: 5 * 1024 * MiB,
      after: "hang",
    }));
    const error = await rejection(bucket.getBytes("huge"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TooLarge", key: "huge", retryable: false });
    expect((error as Error).message).toContain(String(5 * 1024 * MiB));
    expect((error as Error).message).toMatch(/stream\(\) or download\(\)/);
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  }, 5_000);

  it("hardening 12: a chunked body whose resume announces a size above the limit fails with TooLarge", async () => {
    for (const [read, size] of [
      ["getText", 600 * MiB],
      ["getBytes", 5 * 1024 * MiB],
    ] as const) {
      // One byte sent chunked, then a reset; the resume tells the size, sends a little and
      // breaks too; any further request is refused.
      const { server, bucket } = await serve((_request, index): FakeReply => {
        if (index === 0) {
          const headers = { etag: '"e1"' };
          return { status: 200, headers, body: "a", contentLength: "none", after: "reset" };
        }
        if (index > 1) return "reset";
        return {
          status: 206,
          headers: { etag: '"e1"', "content-range": `bytes 1-${size - 1}/${size}` },
          body: "aaaa",
          contentLength: size - 1,
          after: "reset",
        };
      });
      const error = await rejection(bucket[read]("big"));
      expect(error, read).toBeInstanceOf(S3OperationError);
      expect(error, read).toMatchObject({ code: "TooLarge", key: "big", retryable: false });
      expect((error as Error).message, read).toContain(String(size));
      expect(server.requests, read).toHaveLength(2);
      await vi.waitFor(() => expect(server.openConnections()).toBe(0));
    }
  }, 5_000);

  it("hardening 12: a body the engine cannot decode into a string fails as an S3Error", async () => {
    const data = Buffer.from("text that passed the size checks");
    const { bucket } = await serve((request) => objectAnswer(request, data, { etag: '"e1"' }));
    // Plays an engine whose longest string is shorter than s3kit assumes.
    const decode = TextDecoder.prototype.decode;
    const tooLong = Object.assign(new Error("Cannot create a string longer than 0x1fffffe8"), {
      code: "ERR_STRING_TOO_LONG",
    });
    const spy = vi.spyOn(TextDecoder.prototype, "decode").mockImplementation((input, options) => {
      if (input instanceof Uint8Array && Buffer.from(input).equals(data)) throw tooLong;
      return decode.call(new TextDecoder(), input, options);
    });
    try {
      for (const read of [() => bucket.getText("k"), () => bucket.getJson("k")]) {
        const error = await rejection(read());
        expect(error).toBeInstanceOf(S3OperationError);
        expect(error).toMatchObject({ code: "TooLarge", key: "k", cause: tooLong });
        expect((error as Error).message).toMatch(/stream\(\) or download\(\)/);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it("hardening 12: download() of an object a store announces as 1 PiB fails before any GET or file", async () => {
    const { server, bucket } = await serve((request) =>
      request.method === "HEAD"
        ? { status: 200, headers: { etag: '"e1"' }, contentLength: 2 ** 50 }
        : "reset",
    );
    const error = await rejection(bucket.download("huge.bin", join(temp.path, "huge.bin")));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "InvalidResponse", key: "huge.bin" });
    expect((error as Error).message).toContain(String(2 ** 50));
    expect(server.requests.map((r) => r.method)).toEqual(["HEAD"]);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it("download() of an object of exactly 50 TB goes on to its ranged parts, taken as they are needed", async () => {
    const size = 50 * 1000 ** 4;
    const { server, bucket } = await serve((request) =>
      request.method === "HEAD"
        ? { status: 200, headers: { etag: '"e1"' }, contentLength: size }
        : { status: 403, body: errorXml("AccessDenied", "no") },
    );
    const error = await rejection(
      bucket.download("big.bin", join(temp.path, "big.bin"), { concurrency: 2 }),
    );
    expect(error).toMatchObject({ code: "AccessDenied" });
    const ranges = gets(server.requests).map((r) => r.headers.range);
    expect(ranges.length).toBeLessThanOrEqual(2);
    expect(ranges[0]).toBe(`bytes=0-${8 * MiB - 1}`);
    expect(await readdir(temp.path)).toEqual([]);
  });

  it("hardening 12: getText/getJson above the longest string fail before reading", async () => {
    const size = 600 * MiB;
    const { server, bucket } = await serve(() => ({
      status: 200,
      headers: { etag: '"e1"' },
      body: "abc",
      contentLength: size,
      after: "hang",
    }));
    for (const read of [() => bucket.getText("big.txt"), () => bucket.getJson("big.json")]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "TooLarge" });
      expect((error as Error).message).toContain(String(size));
    }
    await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  }, 5_000);
});
