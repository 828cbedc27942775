import pRetry from "p-retry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pRetryOptions, retryDelayFor } from "../../src/client/retry-policy.js";
import { PolicyRetryStrategy } from "../../src/client/retry-strategy.js";
import {
  AccessDeniedError,
  isS3Error,
  ObjectNotFoundError,
  type S3,
  S3OperationError,
  type S3Options,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, type FakeReply, okText, useFakeS3 } from "../helpers/fake-s3.js";
import { deleteResultXml, operationOf } from "../helpers/s3-wire.js";

// These tests count attempts on a loopback HTTP server rather than with aws-sdk-client-mock:
// the mock replaces `client.send` and so skips the SDK middleware stack, including the retry
// middleware that runs our PolicyRetryStrategy. Through a real S3Client and a real socket, the
// requests the server sees are exactly the attempts made, by every layer together.

const fakes = useFakeS3();

afterEach(() => {
  vi.restoreAllMocks();
});

/** A fake S3 answering its nth request with `reply(n)`, an S3 talking to it, and its bucket "b". */
async function serve(
  reply: (index: number) => FakeReply,
  options: S3Options & { client?: undefined } = {},
) {
  const { server: fake, s3 } = await fakes.serve((_request, index) => reply(index), options);
  return { fake, s3, bucket: s3.bucket("b") };
}

const unavailable: FakeReply = {
  status: 503,
  body: errorXml("ServiceUnavailable", "Please reduce your request rate."),
};

describe("one retry layer: the SDK's, with our policy", () => {
  it("maxRetries 2 → exactly 3 attempts on a persistent 503, then S3OperationError", async () => {
    const { fake, bucket } = await serve(() => unavailable, { maxRetries: 2 });
    const error = await rejection(bucket.getText("k"));
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests.map((r) => r.headers["amz-sdk-request"])).toEqual([
      "attempt=1; max=3",
      "attempt=2; max=3",
      "attempt=3; max=3",
    ]);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "ServiceUnavailable",
      status: 503,
      retryable: true,
      attempts: 3,
      operation: "GetObject",
      bucket: "b",
      key: "k",
    });
  });

  it("1 attempt on a 404", async () => {
    const { fake, bucket } = await serve(
      () => ({ status: 404, body: errorXml("NoSuchKey", "no such key") }),
      {
        maxRetries: 2,
      },
    );
    await expect(bucket.getText("k")).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(fake.requests).toHaveLength(1);
  });

  it("1 attempt on a 403 and on a 400", async () => {
    const { fake, bucket } = await serve(
      (index) =>
        index === 0
          ? { status: 403, body: errorXml("AccessDenied", "denied") }
          : { status: 400, body: errorXml("InvalidArgument", "bad") },
      { maxRetries: 2 },
    );
    await expect(bucket.getText("k")).rejects.toBeInstanceOf(AccessDeniedError);
    expect(fake.requests).toHaveLength(1);
    const error = await rejection(bucket.getText("k"));
    expect(error).toMatchObject({ code: "InvalidArgument", status: 400, retryable: false });
    expect(fake.requests).toHaveLength(2);
  });

  it("1 attempt on a 501 NotImplemented", async () => {
    const { fake, bucket } = await serve(
      () => ({ status: 501, body: errorXml("NotImplemented", "no KMS") }),
      {
        maxRetries: 2,
      },
    );
    const error = await rejection(bucket.put("k", "v"));
    expect(error).toMatchObject({ code: "NotImplemented", status: 501, retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it("maxRetries 0 → a single attempt", async () => {
    const { fake, bucket } = await serve(() => unavailable, { maxRetries: 0 });
    await expect(bucket.getText("k")).rejects.toBeInstanceOf(S3OperationError);
    expect(fake.requests).toHaveLength(1);
  });

  it("the default policy makes 4 attempts (3 retries)", async () => {
    const { fake, bucket } = await serve(() => unavailable);
    await expect(bucket.getText("k")).rejects.toMatchObject({ attempts: 4 });
    expect(fake.requests).toHaveLength(4);
  });

  it("succeeds when a retry succeeds, with no error", async () => {
    const { fake, bucket } = await serve((index) => (index < 2 ? unavailable : okText("hello")), {
      maxRetries: 2,
    });
    expect(await bucket.getText("k")).toBe("hello");
    expect(fake.requests).toHaveLength(3);
  });

  it.each([
    ["500 InternalError", { status: 500, body: errorXml("InternalError", "oops") }],
    ["503 SlowDown", { status: 503, body: errorXml("SlowDown", "slow down") }],
    ["429", { status: 429, body: errorXml("TooManyRequests", "slow down") }],
  ] as const)("retries %s up to the policy", async (_label, reply) => {
    const { fake, bucket } = await serve(() => reply, { maxRetries: 2 });
    const error = await rejection(bucket.getBytes("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ retryable: true });
    expect(fake.requests).toHaveLength(3);
  });

  it("retries a reset connection (ECONNRESET) up to the policy, then S3OperationError", async () => {
    const { fake, bucket } = await serve(() => "reset", { maxRetries: 2 });
    const error = await rejection(bucket.getText("k"));
    expect(fake.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "ECONNRESET", status: undefined, retryable: true });
  });

  // Every core method, on a store that always answers 503: maxRetries + 1 requests, never a
  // multiple of it (no p-retry or HeadBucket fallback stacked on top of the SDK's retries).
  const coreCalls: Array<[string, (s3: S3) => Promise<unknown>]> = [
    ["put (string)", (s3) => s3.bucket("b").put("k", "v")],
    ["put (JSON)", (s3) => s3.bucket("b").put("k.json", { a: 1 })],
    ["getBytes", (s3) => s3.bucket("b").getBytes("k")],
    ["getText", (s3) => s3.bucket("b").getText("k")],
    ["getJson", (s3) => s3.bucket("b").getJson("k")],
    ["head", (s3) => s3.bucket("b").head("k")],
    ["exists", (s3) => s3.bucket("b").exists("k")],
    ["delete", (s3) => s3.bucket("b").delete("k")],
    ["getTags", (s3) => s3.bucket("b").getTags("k")],
    ["setTags", (s3) => s3.bucket("b").setTags("k", { a: "1" })],
    ["listBuckets", (s3) => s3.listBuckets()],
    ["createBucket", (s3) => s3.createBucket("b")],
    ["deleteBucket", (s3) => s3.deleteBucket("b")],
  ];
  it.each(coreCalls)(
    "%s: exactly maxRetries + 1 requests on a persistent 503",
    async (_name, call) => {
      const { fake, s3 } = await serve(() => unavailable, { maxRetries: 2 });
      const error = await rejection(call(s3));
      expect(isS3Error(error)).toBe(true);
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ status: 503, retryable: true });
      expect(fake.requests).toHaveLength(3);
    },
  );
});

describe("PolicyRetryStrategy", () => {
  const policy = { maxRetries: 3, retryDelay: 100, maxRetryDelay: 250 };

  it("retries transient and throttling errors up to maxRetries, then gives up", async () => {
    const strategy = new PolicyRetryStrategy(policy);
    let token = await strategy.acquireInitialRetryToken("s3");
    for (let retry = 1; retry <= 3; retry++) {
      token = await strategy.refreshRetryTokenForRetry(token, {
        errorType: retry === 2 ? "THROTTLING" : "TRANSIENT",
      });
      expect(token.getRetryCount()).toBe(retry);
    }
    await expect(
      strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" }),
    ).rejects.toThrow();
  });

  it("never retries client errors or non-transient server errors", async () => {
    const strategy = new PolicyRetryStrategy(policy);
    const token = await strategy.acquireInitialRetryToken("s3");
    await expect(
      strategy.refreshRetryTokenForRetry(token, { errorType: "CLIENT_ERROR" }),
    ).rejects.toThrow();
    await expect(
      strategy.refreshRetryTokenForRetry(token, { errorType: "SERVER_ERROR" }),
    ).rejects.toThrow();
  });

  it("waits a full-jitter delay capped by retryDelay × 2^n and maxRetryDelay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999999);
    const strategy = new PolicyRetryStrategy(policy);
    let token = await strategy.acquireInitialRetryToken("s3");
    const delays: number[] = [];
    for (let retry = 1; retry <= 3; retry++) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: "TRANSIENT" });
      delays.push(token.getRetryDelay());
    }
    // caps: 100, 200, min(400, 250)
    expect(delays).toEqual([99, 199, 249]);
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect(retryDelayFor(policy, 3)).toBe(0);
  });

  it("honours a server's Retry-After, but never beyond maxRetryDelay", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    const strategy = new PolicyRetryStrategy(policy);
    const token = await strategy.acquireInitialRetryToken("s3");
    const far = await strategy.refreshRetryTokenForRetry(token, {
      errorType: "THROTTLING",
      retryAfterHint: new Date(Date.now() + 3_600_000),
    });
    expect(far.getRetryDelay()).toBe(250);
  });
});

describe("pRetryOptions (for what the SDK cannot retry)", () => {
  const policy = { maxRetries: 2, retryDelay: 1, maxRetryDelay: 2 };

  it("follows the same count: maxRetries + 1 attempts for a retryable failure", async () => {
    let attempts = 0;
    await expect(
      pRetry(
        async () => {
          attempts++;
          throw new Error("body interrupted");
        },
        pRetryOptions(policy, { retryIf: () => true }),
      ),
    ).rejects.toThrow("body interrupted");
    expect(attempts).toBe(3);
  });

  it("makes a single attempt when retryIf says no", async () => {
    let attempts = 0;
    await expect(
      pRetry(
        async () => {
          attempts++;
          throw new Error("not found");
        },
        pRetryOptions(policy, { retryIf: () => false }),
      ),
    ).rejects.toThrow("not found");
    expect(attempts).toBe(1);
  });
});

describe("one retry budget per key in deleteMany", () => {
  const internalError: FakeReply = {
    status: 500,
    body: errorXml("InternalError", "We encountered an internal error."),
  };
  const keyFailed = deleteResultXml([{ key: "k", code: "InternalError" }]);

  // Which reply the nth DeleteObjects request gets: 500s the SDK retries, and 200s whose
  // per-key InternalError only s3kit's own layer retries.
  const patterns: Array<[string, (index: number) => FakeReply]> = [
    ["a 500 before every per-key error", (index) => (index % 2 === 0 ? internalError : keyFailed)],
    [
      "three 500s before every per-key error",
      (index) => (index % 4 < 3 ? internalError : keyFailed),
    ],
    ["a per-key error every time", () => keyFailed],
    ["500s only", () => internalError],
  ];
  const cases = patterns.flatMap(([label, reply]) =>
    [0, 1, 2, 3, 5].map((maxRetries) => [label, maxRetries, reply] as const),
  );

  it.each(cases)(
    "hardening 13: %s, maxRetries %i → at most maxRetries + 1 requests for the key",
    async (_label, maxRetries, reply) => {
      const { fake, bucket } = await serve(reply, { maxRetries });
      const result = await bucket.deleteMany(["k"]);
      expect(fake.requests.every((request) => operationOf(request) === "DeleteObjects")).toBe(true);
      expect(fake.requests).toHaveLength(maxRetries + 1);
      expect(result.deleted).toEqual([]);
      expect(result.failed).toMatchObject([{ key: "k", code: "InternalError" }]);
    },
  );

  it("hardening 13: a key that succeeds within the budget is deleted", async () => {
    const { fake, bucket } = await serve(
      (index) => [internalError, keyFailed, deleteResultXml()][index] ?? internalError,
      { maxRetries: 2 },
    );
    const result = await bucket.deleteMany(["k"]);
    expect(fake.requests).toHaveLength(3);
    expect(result).toMatchObject({ deleted: ["k"], failed: [], ok: true });
  });
});
