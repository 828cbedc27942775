import { createHash, randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Logger,
  PreconditionFailedError,
  type S3,
  type S3Error,
  S3OperationError,
} from "../../src/index.js";
import { drain } from "../helpers/assertions.js";
import { getOf, type ProxiedRequest, useFaultProxy } from "../helpers/fault-proxy.js";
import { sha256, useTempDir } from "../helpers/files.js";
import { testS3, useTestBucket } from "../helpers/s3.js";

const MiB = 1024 * 1024;
const t = useTestBucket();

const proxy = useFaultProxy();
const files = useTempDir("stream-faults");
/** An S3 that talks to MinIO through the fault proxy, with quick retries. */
let s3: S3;
/** Log lines of `s3`: "s3kit retry" (the SDK's retries) and "s3kit resume" (ours). */
let lines: Array<{ message: string; fields: Record<string, unknown> }>;

beforeEach(() => {
  lines = [];
  const record = (message: string, fields: Record<string, unknown>) =>
    lines.push({ message, fields });
  const logger: Logger = { warn: record, info: record, error: record };
  s3 = testS3({ endpoint: proxy.endpoint, retryDelay: 1, maxRetryDelay: 20, logger });
});
afterEach(() => {
  s3.close();
});

/** Stores bytes directly in MinIO (not through the proxy); returns the ETag. */
async function store(key: string, body: Uint8Array): Promise<string> {
  const out = await t.raw.send(
    new PutObjectCommand({ Bucket: t.bucket.name, Key: key, Body: body }),
  );
  return out.ETag as string;
}

/** The GETs of `key` that reached the proxy, in order. */
function getsOf(key: string): ProxiedRequest[] {
  return proxy.requests.filter(getOf(t.bucket.name, key));
}

function startOf(request: ProxiedRequest): number {
  const match = /^bytes=(\d+)-/.exec(String(request.headers.range ?? ""));
  if (!match) throw new Error(`no Range header on ${request.path}`);
  return Number(match[1]);
}

describe("resume after resets", () => {
  const size = 64 * MiB;
  let data: Buffer;
  let digest: string;
  beforeAll(() => {
    data = randomBytes(size);
    digest = sha256(data);
  });

  it("24 resets at random offsets of a 64 MiB object: the same sha256 every time", async () => {
    const etag = await store("big.bin", data);
    const bucket = s3.bucket(t.bucket.name);
    // Four streams with six resets each: more resets per stream than maxRetries (3), which
    // only works because every resume after a connection that brought 64 KiB starts a fresh
    // budget. The resets are a MiB apart or more (one in each of six distinct 2 MiB slots).
    for (let round = 0; round < 4; round++) {
      proxy.clearRules();
      proxy.requests.length = 0;
      const slots = new Set<number>();
      while (slots.size < 6) slots.add(randomInt(0, size / (2 * MiB)));
      const offsets = [...slots].map((slot) => slot * 2 * MiB + randomInt(1, MiB));
      const sorted = [...offsets].sort((a, b) => a - b);
      let previous = 0;
      for (const offset of sorted) {
        proxy.addRule({
          match: getOf(t.bucket.name, "big.bin"),
          action: { kind: "reset", afterBytes: offset - previous },
        });
        previous = offset;
      }
      const where = `resets at ${sorted.join(", ")}`;

      const hash = createHash("sha256");
      let total = 0;
      for await (const chunk of await bucket.stream("big.bin")) {
        hash.update(chunk as Buffer);
        total += (chunk as Buffer).length;
      }
      expect(total, where).toBe(size);
      expect(hash.digest("hex"), where).toBe(digest);

      // One first GET and one resume per reset, each pinned to the ETag, each starting at or
      // before the byte where the previous response was cut, never going back.
      const gets = getsOf("big.bin");
      expect(gets, where).toHaveLength(7);
      expect(gets[0]?.headers.range, where).toBeUndefined();
      let lastStart = 0;
      gets.slice(1).forEach((get, i) => {
        expect(get.headers["if-match"], where).toBe(etag);
        expect(get.headers.range, where).toMatch(new RegExp(`-${size - 1}$`));
        const start = startOf(get);
        expect(start, where).toBeLessThanOrEqual(sorted[i] as number);
        expect(start, where).toBeGreaterThanOrEqual(lastStart);
        lastStart = start;
      });
    }
  });

  it("a range read resumes inside its range", async () => {
    const etag = await store("big.bin", data.subarray(0, 8 * MiB));
    const range = { offset: MiB + 3, length: 5 * MiB };
    proxy.addRule({
      match: getOf(t.bucket.name, "big.bin"),
      action: { kind: "reset", afterBytes: 2 * MiB },
    });
    const { bytes, error } = await drain(
      await s3.bucket(t.bucket.name).stream("big.bin", { range }),
    );
    expect(error).toBeUndefined();
    expect(bytes.equals(data.subarray(range.offset, range.offset + range.length))).toBe(true);
    const gets = getsOf("big.bin");
    expect(gets).toHaveLength(2);
    expect(gets[0]?.headers.range).toBe(`bytes=${range.offset}-${range.offset + range.length - 1}`);
    expect(gets[1]?.headers["if-match"]).toBe(etag);
    const resumedAt = startOf(gets[1] as ProxiedRequest);
    expect(resumedAt).toBeGreaterThan(range.offset);
    expect(resumedAt).toBeLessThanOrEqual(range.offset + 2 * MiB);
    expect(gets[1]?.headers.range).toBe(`bytes=${resumedAt}-${range.offset + range.length - 1}`);
  });
});

describe("an object that changes mid-stream", () => {
  it("overwritten between reset and resume: PreconditionFailedError, no byte of the new version", async () => {
    const size = 8 * MiB;
    const old = randomBytes(size);
    const newer = randomBytes(size); // same size: only the ETag tells the versions apart
    const oldEtag = await store("doc.bin", old);
    const cut = 3 * MiB + 17;
    proxy.addRule({
      match: getOf(t.bucket.name, "doc.bin"),
      action: { kind: "reset", afterBytes: cut },
    });
    proxy.addRule({
      match: getOf(t.bucket.name, "doc.bin"),
      action: { kind: "before", run: () => store("doc.bin", newer).then(() => undefined) },
    });

    const { bytes, error } = await drain(await s3.bucket(t.bucket.name).stream("doc.bin"));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect((error as S3Error).key).toBe("doc.bin");
    expect(bytes.length).toBeLessThanOrEqual(cut);
    expect(bytes.equals(old.subarray(0, bytes.length))).toBe(true);

    // The resume asked for the old version only; a 412 is final, so nothing retried it.
    const gets = getsOf("doc.bin");
    expect(gets).toHaveLength(2);
    expect(gets[1]?.headers["if-match"]).toBe(oldEtag);
    expect(startOf(gets[1] as ProxiedRequest)).toBe(bytes.length);
    // And the new version is really there: a fresh read gets it whole.
    expect(Buffer.from(await t.bucket.getBytes("doc.bin")).equals(newer)).toBe(true);
  });
});

describe("stalls and throttling", () => {
  it("a stall longer than idleTimeout is cut and resumed", async () => {
    const data = randomBytes(6 * MiB);
    const etag = await store("slow.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "slow.bin"),
      action: { kind: "stall", afterBytes: 2 * MiB, ms: Number.POSITIVE_INFINITY },
    });
    const stream = await s3.bucket(t.bucket.name).stream("slow.bin", { idleTimeout: 300 });
    const { bytes, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    const gets = getsOf("slow.bin");
    expect(gets).toHaveLength(2);
    expect(gets[1]?.headers["if-match"]).toBe(etag);
    expect(startOf(gets[1] as ProxiedRequest)).toBeLessThanOrEqual(2 * MiB);
    expect(lines.filter((l) => l.message === "s3kit resume")).toHaveLength(1);
  });

  it("503 SlowDown on the resume request is retried by the SDK, not by the resume", async () => {
    const data = randomBytes(6 * MiB);
    const etag = await store("t.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "t.bin"),
      action: { kind: "reset", afterBytes: MiB },
    });
    proxy.addRule({
      match: getOf(t.bucket.name, "t.bin"),
      action: {
        kind: "status",
        status: 503,
        code: "SlowDown",
        message: "Please reduce your request rate.",
      },
      times: 2,
    });
    const { bytes, error } = await drain(await s3.bucket(t.bucket.name).stream("t.bin"));
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);

    // First GET, two throttled resume attempts, the resume that worked: all the same request.
    const gets = getsOf("t.bin");
    expect(gets).toHaveLength(4);
    const resumes = gets.slice(1);
    for (const get of resumes) {
      expect(get.headers["if-match"]).toBe(etag);
      expect(get.headers.range).toBe(resumes[0]?.headers.range);
    }
    // Two SDK retries of one resume attempt.
    const retries = lines.filter((l) => l.message === "s3kit retry");
    expect(retries.map((l) => l.fields.status)).toEqual([503, 503]);
    expect(lines.filter((l) => l.message === "s3kit resume")).toHaveLength(1);
  });

  it("throttling that outlasts the SDK's retries fails once, without a second layer of retries", async () => {
    const data = randomBytes(4 * MiB);
    await store("t.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "t.bin"),
      action: { kind: "reset", afterBytes: MiB },
    });
    proxy.addRule({
      match: getOf(t.bucket.name, "t.bin"),
      action: { kind: "status", status: 503, code: "SlowDown" },
      times: 100,
    });
    const { bytes, error } = await drain(await s3.bucket(t.bucket.name).stream("t.bin"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "SlowDown", status: 503, key: "t.bin" });
    expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
    // The first GET, then the resume's budget of maxRetries = 3 requests, which the SDK's
    // retries of the one resume request spend: neither layer adds attempts of its own.
    expect(getsOf("t.bin")).toHaveLength(1 + 3);
  });
});

describe("the resume budget", () => {
  it("hardening 13: a link that drops every connection after 300 KiB still completes stream() and download() of 6 MiB", async () => {
    const data = randomBytes(6 * MiB);
    const etag = await store("flaky.bin", data);
    proxy.addRule({
      match: getOf(t.bucket.name, "flaky.bin"),
      action: { kind: "reset", afterBytes: 300 * 1024 },
      times: 100,
    });
    const bucket = s3.bucket(t.bucket.name);
    const { bytes, error } = await drain(await bucket.stream("flaky.bin"));
    expect(error).toBeUndefined();
    expect(bytes.equals(data)).toBe(true);
    // One GET per 300 KiB, far more resumes than maxRetries (3), none waiting: each
    // connection brought its 300 KiB.
    const resumes = lines.filter((line) => line.message === "s3kit resume");
    expect(resumes.length).toBeGreaterThanOrEqual(20);
    expect(resumes.every((line) => line.fields.delay === 0)).toBe(true);
    for (const get of getsOf("flaky.bin").slice(1)) expect(get.headers["if-match"]).toBe(etag);

    const target = join(files.path, "flaky.bin");
    const result = await bucket.download("flaky.bin", target);
    expect(result.size).toBe(data.length);
    expect(sha256(await readFile(target))).toBe(sha256(data));
  });

  for (const maxRetries of [1, 3]) {
    it(`maxRetries ${maxRetries}: a read stuck at one offset gives up after a bounded number of GETs`, async () => {
      const data = randomBytes(4 * MiB);
      await store("stuck.bin", data);
      const stuckAt = MiB + 5;
      const records: string[] = [];
      const logger: Logger = { warn: (message) => records.push(message) };
      const client = testS3({
        endpoint: proxy.endpoint,
        retryDelay: 1,
        maxRetryDelay: 20,
        maxRetries,
        logger,
      });
      try {
        proxy.addRule({
          match: getOf(t.bucket.name, "stuck.bin"),
          action: { kind: "reset", afterBytes: stuckAt },
        });
        // Every resume is cut before it brings a byte: no progress, so the budget runs down.
        proxy.addRule({
          match: getOf(t.bucket.name, "stuck.bin"),
          action: { kind: "reset", afterBytes: 0 },
          times: 100,
        });
        const { bytes, error } = await drain(
          await client.bucket(t.bucket.name).stream("stuck.bin"),
        );
        expect(error).toBeInstanceOf(S3OperationError);
        expect((error as S3Error).key).toBe("stuck.bin");
        expect((error as S3Error).retryable).toBe(true);
        expect(bytes.length).toBeLessThanOrEqual(stuckAt);
        expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);

        // The proxy cuts a 0-byte response before its headers go out, so each cut is a failed
        // request, which the SDK retries: the first GET, then one resume request whose SDK
        // retries spend the resume's budget of maxRetries requests. No second layer retries
        // it again (that would be (maxRetries + 1)² GETs).
        const gets = getsOf("stuck.bin");
        expect(gets).toHaveLength(1 + maxRetries);
        for (const get of gets.slice(1)) expect(startOf(get)).toBe(bytes.length);
        expect(records.filter((m) => m === "s3kit resume")).toHaveLength(1);
        expect(records.filter((m) => m === "s3kit retry")).toHaveLength(maxRetries - 1);
      } finally {
        client.close();
      }
    });
  }

  it("a body that breaks before its first byte, every time, ends after exactly maxRetries resumes", async () => {
    const maxRetries = 3;
    const data = randomBytes(4 * MiB);
    await store("broken.bin", data);
    const stuckAt = MiB + 5;
    const records: string[] = [];
    const client = testS3({
      endpoint: proxy.endpoint,
      retryDelay: 1,
      maxRetryDelay: 20,
      maxRetries,
      logger: { warn: (message) => records.push(message) },
    });
    try {
      proxy.addRule({
        match: getOf(t.bucket.name, "broken.bin"),
        action: { kind: "reset", afterBytes: stuckAt },
      });
      // Headers go out, then the connection dies: a successful request whose body brings
      // nothing. Only the resume layer may retry it, maxRetries times in all.
      proxy.addRule({
        match: getOf(t.bucket.name, "broken.bin"),
        action: { kind: "reset", afterBytes: 0, flushHeaders: true },
        times: 100,
      });
      const { bytes, error } = await drain(await client.bucket(t.bucket.name).stream("broken.bin"));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(bytes.equals(data.subarray(0, bytes.length))).toBe(true);
      expect(getsOf("broken.bin")).toHaveLength(1 + maxRetries);
      expect(records.filter((m) => m === "s3kit retry")).toHaveLength(0);
    } finally {
      client.close();
    }
  });

  it("maxRetries 0 turns resuming off: the first reset is the error", async () => {
    const data = randomBytes(4 * MiB);
    await store("once.bin", data);
    const client = testS3({
      endpoint: proxy.endpoint,
      retryDelay: 1,
      maxRetryDelay: 20,
      maxRetries: 0,
    });
    try {
      proxy.addRule({
        match: getOf(t.bucket.name, "once.bin"),
        action: { kind: "reset", afterBytes: MiB },
      });
      const { error } = await drain(await client.bucket(t.bucket.name).stream("once.bin"));
      expect(error).toBeInstanceOf(S3OperationError);
      expect(getsOf("once.bin")).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});
