import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  type Bucket,
  ObjectNotFoundError,
  PreconditionFailedError,
  S3OperationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { type Call, callsNamed, TRANSPORTS } from "../helpers/lean-calls.js";

// The lean path reads S3's error answers itself. Whatever a store or something in front of it
// answers, the caller must get the error the SDK path gives: the same class, code, status,
// retry decision and number of attempts. Every case runs on both paths with maxRetries 1.

const fakes = useFakeS3();

const CALLS = callsNamed("getText", "head", "put", "delete", "getTags", "setTags");

interface Expected {
  type: typeof S3OperationError | typeof AccessDeniedError | typeof ObjectNotFoundError;
  code?: string;
  status?: number;
  retryable: boolean;
  /** Requests the store sees. */
  requests: number;
  message?: RegExp;
}

interface Case {
  label: string;
  answer: FakeReply;
  calls: string[];
  expected: Expected;
}

const big = "x".repeat(3 * 1024 * 1024);
const notRetried = { type: S3OperationError, retryable: false, requests: 1 };
const BODY_CALLS = ["getText", "put", "delete", "getTags", "setTags"];

const CASES: Case[] = [
  {
    label: "a proxy's HTML page with a 500",
    answer: {
      status: 500,
      headers: { "content-type": "text/html" },
      body: "<html><body><h1>500 Internal Server Error</h1></body></html>",
    },
    calls: Object.keys(CALLS),
    expected: {
      type: S3OperationError,
      code: "InternalError",
      status: 500,
      retryable: true,
      requests: 2,
    },
  },
  {
    label: "a proxy's HTML page with a 403 holding an <Error> of its own",
    answer: {
      status: 403,
      headers: { "content-type": "text/html" },
      body: "<html><body><Error>nope</Error></body></html>",
    },
    calls: Object.keys(CALLS),
    expected: {
      type: AccessDeniedError,
      code: "AccessDenied",
      status: 403,
      retryable: false,
      requests: 1,
    },
  },
  {
    label: "a bodiless 404",
    answer: { status: 404 },
    calls: BODY_CALLS,
    expected: {
      type: ObjectNotFoundError,
      code: "NotFound",
      status: 404,
      retryable: false,
      requests: 1,
    },
  },
  {
    label: "an <Error> wrapped in <ErrorResponse>",
    answer: {
      status: 400,
      body: "<ErrorResponse><Error><Code>Wrapped</Code><Message>w</Message></Error></ErrorResponse>",
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "Wrapped", status: 400, message: /Wrapped \(HTTP 400\): w$/ },
  },
  {
    label: "an <Error> with a namespace, attributes and a nested Code",
    answer: {
      status: 400,
      body: '<?xml version="1.0"?><Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Code a="1">NsCode</Code><Details><Code>Inner</Code></Details><Message>ns</Message></Error>',
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "NsCode", status: 400, message: /NsCode \(HTTP 400\): ns$/ },
  },
  {
    label: "entities and character references",
    answer: {
      status: 400,
      body: "<Error><Code>A&amp;B</Code><Message>&lt;x&gt; &#65;&#x42;</Message></Error>",
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "A&B", status: 400, message: /: <x> AB$/ },
  },
  {
    label: "CDATA sections",
    answer: {
      status: 400,
      body: "<Error><Code><![CDATA[Cd]]></Code><Message><![CDATA[<m> & </m>]]></Message></Error>",
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "Cd", status: 400, message: /: <m> & <\/m>$/ },
  },
  {
    label: "a 501 NotImplemented",
    answer: { status: 501, body: errorXml("NotImplemented", "no") },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "NotImplemented", status: 501 },
  },
  {
    label: "a 405 MethodNotAllowed",
    answer: { status: 405, body: errorXml("MethodNotAllowed", "no") },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "MethodNotAllowed", status: 405 },
  },
  {
    // The region named is the one signed for: nothing to follow (a region redirect that is
    // followed: tests/unit/bucket-facts.test.ts). Location is never followed.
    label: "a 301 PermanentRedirect elsewhere (never followed)",
    answer: {
      status: 301,
      headers: { location: "http://127.0.0.1:1/elsewhere", "x-amz-bucket-region": "us-east-1" },
      body: "<Error><Code>PermanentRedirect</Code><Message>use the other endpoint</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint></Error>",
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "PermanentRedirect", status: 301 },
  },
  {
    label: "a 307 TemporaryRedirect elsewhere (never followed)",
    answer: {
      status: 307,
      headers: { location: "http://127.0.0.1:1/elsewhere" },
      body: errorXml("TemporaryRedirect", "tmp"),
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "TemporaryRedirect", status: 307 },
  },
  {
    label: "a bodiless 302 elsewhere (never followed)",
    answer: { status: 302, headers: { location: "http://127.0.0.1:1/elsewhere" } },
    calls: Object.keys(CALLS),
    expected: { ...notRetried, code: "Unknown", status: 302 },
  },
  {
    label: "a 429",
    answer: { status: 429, body: errorXml("TooManyRequests", "slow") },
    calls: BODY_CALLS,
    expected: {
      type: S3OperationError,
      code: "TooManyRequests",
      status: 429,
      retryable: true,
      requests: 2,
    },
  },
  {
    label: "a 503 with an empty Code",
    answer: { status: 503, body: "<Error><Code></Code><Message></Message></Error>" },
    calls: Object.keys(CALLS),
    expected: {
      type: S3OperationError,
      code: "ServiceUnavailable",
      status: 503,
      retryable: true,
      requests: 2,
    },
  },
  {
    label: "a 200 carrying an <Error> (read as a 503, as the SDK reads it)",
    answer: { status: 200, body: errorXml("InternalError", "We encountered an internal error.") },
    calls: ["put", "delete", "getTags", "setTags"],
    expected: {
      type: S3OperationError,
      code: "InternalError",
      status: 503,
      retryable: true,
      requests: 2,
    },
  },
  {
    label: "a 3 MiB error document",
    answer: { status: 400, body: `<Error><Code>Huge</Code><Message>${big}</Message></Error>` },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "Huge", status: 400 },
  },
  {
    label: "a 3 MiB error document without Content-Length",
    answer: {
      status: 400,
      contentLength: "none",
      body: `<Error><Code>Huge</Code><Message>${big}</Message></Error>`,
    },
    calls: BODY_CALLS,
    expected: { ...notRetried, code: "Huge", status: 400 },
  },
  {
    label: "an error document cut off by a reset",
    answer: {
      status: 400,
      contentLength: 1000,
      body: "<Error><Code>RequestTimeout</Code>",
      after: "reset",
    },
    calls: BODY_CALLS,
    expected: {
      type: S3OperationError,
      code: "ECONNRESET",
      status: 400,
      retryable: true,
      requests: 2,
    },
  },
];

/** Every bucket "b" exists: a HEAD of the bucket (after a bodiless 404) is answered 200. */
function answering(answer: FakeReply) {
  return (request: SeenRequest): FakeReply =>
    request.method === "HEAD" && request.url === "/b" ? { status: 200 } : answer;
}

describe.each(TRANSPORTS)("on the %s path", (transport) => {
  const rows = CASES.flatMap((c) => c.calls.map((call) => [c.label, call, c] as const));

  it.each(rows)("%s → %s fails as the table says", async (_label, call, c) => {
    const { server, s3 } = await fakes.serve(answering(c.answer), { transport, maxRetries: 1 });
    const error = await rejection((CALLS[call] as Call)(s3.bucket("b")));
    const { expected } = c;
    expect(error).toBeInstanceOf(expected.type);
    expect(error).toMatchObject({
      retryable: expected.retryable,
      ...(expected.code !== undefined && { code: expected.code }),
      ...(expected.status !== undefined && call !== "head" && { status: expected.status }),
    });
    if (expected.message && call !== "head") {
      expect((error as Error).message).toMatch(expected.message);
    }
    const objectRequests = server.requests.filter((request) => request.url !== "/b");
    expect(objectRequests).toHaveLength(expected.requests);
  });

  it("a 200 whose tag set is cut off is refused, never read as fewer tags", async () => {
    const { server, s3 } = await fakes.serve(
      () => ({ status: 200, body: "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag>" }),
      { transport, maxRetries: 1 },
    );
    const error = await rejection(s3.bucket("b").getTags("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it("a 200 tag set whose body broke off is retried", async () => {
    const body = "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>";
    const { server, s3 } = await fakes.serve(
      (_request, index) =>
        index === 0
          ? { status: 200, body: body.slice(0, 30), contentLength: body.length, after: "reset" }
          : { status: 200, body },
      { transport, maxRetries: 1 },
    );
    expect(await s3.bucket("b").getTags("k")).toEqual({ a: "b" });
    expect(server.requests).toHaveLength(2);
  });

  it("a tag set sent in chunks without Content-Length reads whole", async () => {
    const body = "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>";
    const { s3 } = await fakes.serve(
      () => ({
        status: 200,
        contentLength: "none",
        body: [body.slice(0, 25), body.slice(25)],
        pauseMs: 20,
      }),
      { transport },
    );
    expect(await s3.bucket("b").getTags("k")).toEqual({ a: "b" });
  });

  it("a tag set in CDATA sections reads as the tags it holds", async () => {
    const { s3 } = await fakes.serve(
      () => ({
        status: 200,
        body: "<Tagging><TagSet><Tag><Key><![CDATA[a]]></Key><Value><![CDATA[<v> & w]]></Value></Tag></TagSet></Tagging>",
      }),
      { transport },
    );
    expect(await s3.bucket("b").getTags("k")).toEqual({ a: "<v> & w" });
  });
});

describe.each(TRANSPORTS)("conditional requests on the %s path", (transport) => {
  const refused = {
    status: 412,
    body: errorXml(
      "PreconditionFailed",
      "At least one of the pre-conditions you specified did not hold",
    ),
  };
  it.each([
    ["put with ifMatch", (bucket: Bucket) => bucket.put("k", "v", { ifMatch: '"e1"' }), refused],
    [
      "put with ifNoneMatch",
      (bucket: Bucket) => bucket.put("k", "v", { ifNoneMatch: "*" }),
      refused,
    ],
    ["getText with ifMatch", (bucket: Bucket) => bucket.getText("k", { ifMatch: '"e1"' }), refused],
    [
      "a put racing another (409)",
      (bucket: Bucket) => bucket.put("k", "v", { ifNoneMatch: "*" }),
      { status: 409, body: errorXml("ConditionalRequestConflict", "race") },
    ],
    [
      "open with ifMatch, bodiless",
      (bucket: Bucket) => bucket.open("k", { ifMatch: '"e1"' }),
      { status: 412 },
    ],
  ] as Array<[string, Call, FakeReply]>)(
    "%s refused: PreconditionFailedError, not retried",
    async (_label, call, answer) => {
      const { server, s3 } = await fakes.serve(
        (request) => (request.method === "HEAD" ? { status: 404 } : answer),
        { transport, maxRetries: 2 },
      );
      const error = await rejection(call(s3.bucket("b")));
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error).toMatchObject({ retryable: false });
      expect(server.requests.filter((request) => request.method !== "HEAD")).toHaveLength(1);
    },
  );

  it("open with ifNoneMatch answered 304: no body, no error", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 304, headers: { etag: '"e1"' } }), {
      transport,
      maxRetries: 2,
    });
    const opened = await s3.bucket("b").open("k", { ifNoneMatch: '"e1"' });
    expect(opened).toMatchObject({ status: 304, body: null });
    expect(server.requests).toHaveLength(1);
  });
});

describe("what only the lean path reads itself", () => {
  it("an error body naming __proto__, constructor, name, stack and cause sets none of them", async () => {
    const { s3 } = await fakes.serve(
      () => ({
        status: 400,
        body: "<Error><__proto__>polluted</__proto__><constructor>c</constructor><name>evil</name><stack>s</stack><cause>c</cause><$fault>x</$fault><Code>Bad</Code><Message>hi</Message><Extra>kept</Extra></Error>",
      }),
      { transport: "lean" },
    );
    const error = await rejection(s3.bucket("b").getText("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Bad", status: 400, retryable: false });
    expect((error as Error).message).toMatch(/Bad \(HTTP 400\): hi$/);
    const cause = (error as Error).cause as Record<string, unknown> & Error;
    expect(Object.getPrototypeOf(cause)).toBe(Error.prototype);
    expect(cause.name).toBe("Bad");
    expect(cause.Extra).toBe("kept");
    expect(cause.$fault).toBe("client");
    expect(Object.hasOwn(cause, "constructor")).toBe(false);
    expect(typeof cause.stack).toBe("string");
    expect(cause.stack).not.toBe("s");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("a 200 that is a proxy's page or empty is no tag set (the SDK path makes up an empty one)", async () => {
    for (const answer of [
      { status: 200, headers: { "content-type": "text/html" }, body: "<html>Sign in</html>" },
      { status: 200 },
    ]) {
      const { s3 } = await fakes.serve(() => answer, { transport: "lean" });
      const error = await rejection(s3.bucket("b").getTags("k"));
      expect(error).toMatchObject({ code: "InvalidResponse", retryable: false });
    }
  });
});
