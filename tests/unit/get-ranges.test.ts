import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  PreconditionFailedError,
  S3OperationError,
  type S3Options,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  objectAnswer,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { TRANSPORTS } from "../helpers/lean-calls.js";

// Multi-range reads on the wire, against stores that misbehave in ways MinIO does not (it
// honours every Range and If-Match): the scripted store plays them, on both transports.

const fakes = useFakeS3();
const MiB = 1024 * 1024;
const data = randomBytes(1000);

const gets = (requests: SeenRequest[]) => requests.filter((r) => r.method === "GET");
const rangesOf = (requests: SeenRequest[]) => gets(requests).map((r) => r.headers.range);

/** An honest store holding `data` under ETag "e1". */
const honest = (request: SeenRequest): FakeReply => objectAnswer(request, data, { etag: '"e1"' });

/** A 416 as S3 sends it for a range starting past the end of `size` bytes. */
const unsatisfiable = (size: number): FakeReply => ({
  status: 416,
  headers: { "content-range": `bytes */${size}` },
  body: errorXml("InvalidRange", "The requested range is not satisfiable"),
});

describe.each(TRANSPORTS)("multi-range reads (%s transport)", (transport) => {
  async function serve(
    reply: (request: SeenRequest, index: number) => FakeReply,
    options: S3Options & { client?: undefined } = {},
  ) {
    const { server, s3 } = await fakes.serve(reply, { transport, ...options });
    return { server, bucket: s3.bucket("b") };
  }

  it("returns each range in input order, overlapping and nearby ones read by one GET", async () => {
    const { server, bucket } = await serve(honest);
    const ranges = [
      { offset: 500, length: 10 },
      { offset: 0, length: 10 },
      { offset: 5, length: 10 }, // overlaps the one before
      { offset: 15, length: 5 }, // adjacent
      { offset: 500, length: 10 }, // the same range twice
    ];
    const results = await bucket.getRanges("k", ranges, { coalesce: 0 });
    expect(results.map((bytes) => Buffer.from(bytes))).toEqual(
      ranges.map(({ offset, length }) => data.subarray(offset, offset + length)),
    );
    expect(rangesOf(server.requests)).toEqual(["bytes=0-19", "bytes=500-509"]);
    // Every result owns its ArrayBuffer exactly, even the two copies of one range.
    for (const [index, bytes] of results.entries()) {
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(ranges[index]?.length);
    }
    expect(results[0]?.buffer).not.toBe(results[4]?.buffer);
  });

  it("ranges within 1 MiB of each other share a GET by default; farther ones do not", async () => {
    const big = randomBytes(4 * MiB);
    const { server, bucket } = await serve((request) =>
      objectAnswer(request, big, { etag: '"e1"' }),
    );
    const ranges = [
      { offset: 0, length: 100 },
      { offset: 100 + MiB, length: 100 }, // a gap of exactly 1 MiB: joined
      { offset: 3 * MiB, length: 100 }, // too far
    ];
    const results = await bucket.getRanges("k", ranges);
    expect(results.map((bytes) => Buffer.from(bytes))).toEqual(
      ranges.map(({ offset, length }) => big.subarray(offset, offset + length)),
    );
    expect(rangesOf(server.requests)).toEqual([
      `bytes=0-${MiB + 199}`,
      `bytes=${3 * MiB}-${3 * MiB + 99}`,
    ]);
  });

  it("every GET after the first is pinned by If-Match to the first answer's ETag", async () => {
    const { server, bucket } = await serve((request) =>
      objectAnswer(request, data, { etag: '"e1"', "x-amz-version-id": "v7" }),
    );
    const ranges = [0, 200, 400, 600].map((offset) => ({ offset, length: 10 }));
    await bucket.getRanges("k", ranges, { coalesce: 0, concurrency: 2, versionId: "v7" });
    const [first, ...rest] = gets(server.requests);
    expect(first?.headers["if-match"]).toBeUndefined();
    expect(rest.map((r) => r.headers["if-match"])).toEqual(['"e1"', '"e1"', '"e1"']);
    expect(gets(server.requests).every((r) => r.url.includes("versionId=v7"))).toBe(true);
  });

  it("a range running past the end is clipped, as S3 clips it; empty ranges need no byte", async () => {
    const { server, bucket } = await serve(honest);
    const results = await bucket.getRanges("k", [
      { offset: 990, length: 50 },
      { offset: 5000, length: 0 },
      { offset: 3, length: 0 },
    ]);
    expect(Buffer.from(results[0] as Uint8Array)).toEqual(data.subarray(990));
    expect(results.slice(1).map((bytes) => bytes.length)).toEqual([0, 0]);
    expect(rangesOf(server.requests)).toEqual(["bytes=990-1039"]);
  });

  it("no ranges, or only empty ones: no request at all", async () => {
    const { server, bucket } = await serve(honest);
    expect(await bucket.getRanges("k", [])).toEqual([]);
    expect(await bucket.getRanges("k", [{ offset: 7, length: 0 }])).toEqual([new Uint8Array()]);
    expect(server.requests).toEqual([]);
  });

  it('a range starting past the end fails with "InvalidRange" (416), alone or beside others', async () => {
    const { bucket } = await serve((request) =>
      /^bytes=(1\d{3,})-/.test(`${request.headers.range}`) ? unsatisfiable(1000) : honest(request),
    );
    // Alone in its GET: the store's 416. In a GET with a range that exists: s3kit's own.
    for (const ranges of [
      [
        { offset: 0, length: 1 },
        { offset: 5000, length: 1 },
      ],
      [
        { offset: 990, length: 1 },
        { offset: 1000, length: 1 },
      ],
    ]) {
      const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 100 }));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "InvalidRange", status: 416, key: "k" });
    }
  });

  it("a store ignoring the end of a Range (sending to EOF) fails with LengthMismatch, no wrong byte", async () => {
    const { server, bucket } = await serve((request) => {
      const start = Number(/^bytes=(\d+)-/.exec(`${request.headers.range}`)?.[1] ?? 0);
      return {
        status: 206,
        headers: { etag: '"e1"', "content-range": `bytes ${start}-999/1000` },
        body: data.subarray(start),
      };
    });
    const error = await rejection(bucket.getRanges("k", [{ offset: 10, length: 10 }]));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "LengthMismatch", operation: "GetObject" });
    expect(gets(server.requests)).toHaveLength(1);
  });

  it("a store ignoring Range altogether (200, whole body) fails with RangeIgnored", async () => {
    const { bucket } = await serve((request) =>
      honest({ ...request, headers: { ...request.headers, range: undefined } }),
    );
    const error = await rejection(bucket.getRanges("k", [{ offset: 10, length: 10 }]));
    expect(error).toMatchObject({ code: "RangeIgnored" });
    // A range that asks for every byte may be answered with them all.
    const [all] = await bucket.getRanges("k", [{ offset: 0, length: 1000 }]);
    expect(Buffer.from(all as Uint8Array)).toEqual(data);
  });

  it("an object replaced between two GETs, If-Match honoured (412): PreconditionFailedError", async () => {
    const next = randomBytes(1000);
    const { server, bucket } = await serve((request, index) => {
      if (index === 0) return honest(request);
      if (request.headers["if-match"] !== '"e2"') {
        return { status: 412, body: errorXml("PreconditionFailed", "At least one failed") };
      }
      return objectAnswer(request, next, { etag: '"e2"' });
    });
    const ranges = [
      { offset: 0, length: 10 },
      { offset: 500, length: 10 },
    ];
    const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 0 }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(gets(server.requests)[1]?.headers["if-match"]).toBe('"e1"');
  });

  it("an object replaced between two GETs, If-Match ignored: the other ETag is refused, never mixed", async () => {
    const next = randomBytes(1000);
    const { bucket } = await serve((request, index) =>
      index === 0 ? honest(request) : objectAnswer(request, next, { etag: '"e2"' }),
    );
    const ranges = [
      { offset: 0, length: 10 },
      { offset: 500, length: 10 },
    ];
    const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 0 }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ code: "PreconditionFailed", operation: "getRanges" });
  });

  it("a body cut mid-way resumes from where it broke, pinned, and the bytes are right", async () => {
    const { server, bucket } = await serve((request, index) => {
      const answer = objectAnswer(request, data, { etag: '"e1"' });
      // The first answer (bytes 0-599) breaks after 100 bytes.
      if (index !== 0) return answer;
      return { ...answer, body: data.subarray(0, 100), contentLength: 600, after: "reset" };
    });
    const ranges = [
      { offset: 0, length: 600 },
      { offset: 900, length: 50 },
    ];
    const results = await bucket.getRanges("k", ranges, { coalesce: 0, concurrency: 1 });
    expect(results.map((bytes) => Buffer.from(bytes))).toEqual([
      data.subarray(0, 600),
      data.subarray(900, 950),
    ]);
    // The SDK's path streams the body and resumes the rest, pinned; the lean path holds a
    // small body whole, and tries its first GET again within the same budget.
    const [, again, last] = gets(server.requests);
    if (transport === "sdk")
      expect(again?.headers).toMatchObject({ range: "bytes=100-599", "if-match": '"e1"' });
    else expect(again?.headers.range).toBe("bytes=0-599");
    expect(last?.headers["if-match"]).toBe('"e1"');
    expect(gets(server.requests)).toHaveLength(3);
  });

  it("a GET whose body is cut on every attempt fails as an S3Error within its budget, no bytes returned", async () => {
    const { server, bucket } = await serve(
      (request, index) => {
        const answer = objectAnswer(request, data, { etag: '"e1"' });
        if (index === 0) return answer;
        // Every answer for the second range brings 1 byte of 50, then the connection drops.
        const start = Number(/^bytes=(\d+)-/.exec(`${request.headers.range}`)?.[1]);
        return {
          ...answer,
          body: data.subarray(start, start + 1),
          contentLength: 950 - start,
          after: "reset",
        };
      },
      { maxRetries: 2 },
    );
    const ranges = [
      { offset: 0, length: 10 },
      { offset: 900, length: 50 },
    ];
    const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 0 }));
    expect(error).toBeInstanceOf(S3OperationError);
    // The first range's GET, then at most 1 + 2 + 2 for the second (its first request and
    // its retries, then resumes that bring too little to earn a fresh budget).
    expect(gets(server.requests).length).toBeLessThanOrEqual(6);
    expect(
      gets(server.requests)
        .slice(1)
        .every((r) => r.headers["if-match"] === '"e1"'),
    ).toBe(true);
  });

  it("a first answer without an ETag cannot pin the others: InvalidResponse, unless versionId pins them", async () => {
    const { bucket } = await serve((request) => objectAnswer(request, data, {}));
    const ranges = [
      { offset: 0, length: 10 },
      { offset: 500, length: 10 },
    ];
    const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 0 }));
    expect(error).toMatchObject({ code: "InvalidResponse", operation: "getRanges" });
    // One GET needs no pin.
    const [one] = await bucket.getRanges("k", [{ offset: 0, length: 10 }]);
    expect(Buffer.from(one as Uint8Array)).toEqual(data.subarray(0, 10));
  });

  it("a failing GET stops the others and its own error is thrown", async () => {
    const { bucket } = await serve((request, index) =>
      index === 2
        ? { status: 403, body: errorXml("AccessDenied", "Access Denied") }
        : { ...objectAnswer(request, data, { etag: '"e1"' }), pauseMs: 20 },
    );
    const ranges = [0, 200, 400, 600].map((offset) => ({ offset, length: 10 }));
    const error = await rejection(bucket.getRanges("k", ranges, { coalesce: 0, concurrency: 4 }));
    expect(error).toMatchObject({ code: "AccessDenied" });
  });

  it("an abort rejects with Aborted", async () => {
    const { bucket } = await serve(() => "hang");
    const controller = new AbortController();
    const read = bucket.getRanges("k", [{ offset: 0, length: 1 }], { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await rejection(read)).toMatchObject({ code: "Aborted" });
  });
});

describe("multi-range reads: checks before any request", () => {
  it("bad ranges and options are ValidationErrors and send nothing", async () => {
    const { server, s3 } = await fakes.serve(honest);
    const bucket = s3.bucket("b");
    const bad: Array<[unknown, object?]> = [
      ["not an array"],
      [[null]],
      [[{ offset: -1, length: 1 }]],
      [[{ offset: 0 }]],
      [[{ offset: 0.5, length: 1 }]],
      [[{ offset: 0, length: 2 ** 31 }]], // more than one Uint8Array holds
      [[{ offset: 2 ** 53 - 2, length: 5 }]],
      [[{ offset: 0, length: 1 }], { concurrency: 0 }],
      [[{ offset: 0, length: 1 }], { coalesce: -1 }],
      [[{ offset: 0, length: 1 }], { ifMatch: "" }],
      [[], { versionId: "" }],
      [[], { idleTimeout: -5 }],
    ];
    for (const [ranges, options] of bad) {
      const call = bucket.getRanges("k", ranges as [], options);
      expect(await rejection(call)).toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toEqual([]);
  });
});
