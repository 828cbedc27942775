import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  PreconditionFailedError,
  S3,
  S3Error,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  type FakeReply,
  fakeCredentials,
  objectAnswer,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";

// Review of issue 10 (open / respond / asReadable): each test states a promise that does not
// hold yet. The MinIO counterparts of the precedence and 304 findings are in
// tests/integration/serve-review.test.ts.

const fakes = useFakeS3();
const data = new TextEncoder().encode("0123456789");
const lastModified = "Wed, 01 Jan 2025 00:00:00 GMT";
const stored = { etag: '"e1"', "last-modified": lastModified, "cache-control": "max-age=60" };

/** A store that ignores every condition (s3kit evaluates them on the 200). */
const ignoring = (request: SeenRequest): FakeReply => objectAnswer(request, data, stored);

/**
 * A store that answers a matching If-None-Match with 304 before looking at If-Match or the
 * dates, as MinIO does (see the integration file): its 304 carries ETag and Last-Modified.
 */
const notModifiedFirst = (request: SeenRequest): FakeReply => {
  if (request.headers["if-none-match"] === '"e1"') {
    return { status: 304, headers: { etag: '"e1"', "last-modified": lastModified } };
  }
  return objectAnswer(request, data, stored);
};

async function respond(
  reply: (request: SeenRequest, index: number) => FakeReply,
  headers: Record<string, string>,
) {
  const { server, s3 } = await fakes.serve(reply);
  const response = await s3.bucket("b").respond("k", new Request("http://app.test/k", { headers }));
  return { server, response, text: await response.text() };
}

describe("review: respond() precedence (RFC 9110 13.2.2)", () => {
  it("review: a failing If-Match list wins over a store's 304 for If-None-Match: 412, not 304", async () => {
    // If-Match is evaluated first; a list is not sent to S3, so only s3kit can evaluate it.
    const { response } = await respond(notModifiedFirst, {
      "if-match": '"a", "b"',
      "if-none-match": '"e1"',
    });
    expect(response.status).toBe(412);
  });

  it("review: open() whose ifMatch fails rejects with PreconditionFailedError even when the store says 304", async () => {
    const { s3 } = await fakes.serve(notModifiedFirst);
    const error = await rejection(
      s3.bucket("b").open("k", { ifMatch: '"other"', ifNoneMatch: '"e1"' }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });

  it("review: If-Modified-Since is ignored when If-None-Match is present, even one s3kit cannot parse", async () => {
    // RFC 9110 13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
    // If-None-Match header field" (present, whatever its value).
    const { response } = await respond(ignoring, {
      "if-none-match": 'W/ "other"',
      "if-modified-since": "Thu, 01 Jan 2099 00:00:00 GMT",
    });
    expect(response.status).toBe(200);
  });
});

describe("review: respond() 304 headers (RFC 9110 15.4.5)", () => {
  it("review: a GET answered 304 carries the object's stored Cache-Control, as the HEAD 304 and the 200 do", async () => {
    // "The server generating a 304 response MUST generate any of the following header fields
    // that would have been sent in a 200 (OK) response to the same request: Cache-Control…"
    for (const store of [notModifiedFirst, ignoring]) {
      const ok = await respond(store, {});
      expect(ok.response.headers.get("cache-control")).toBe("max-age=60");
      const head = await fakes.serve(store);
      const headAnswer = await head.s3.bucket("b").respond(
        "k",
        new Request("http://app.test/k", {
          method: "HEAD",
          headers: { "if-none-match": '"e1"' },
        }),
      );
      expect(headAnswer.status).toBe(304);
      expect(headAnswer.headers.get("cache-control")).toBe("max-age=60");
      const { response } = await respond(store, { "if-none-match": '"e1"' });
      expect(response.status).toBe(304);
      expect(response.headers.get("cache-control")).toBe("max-age=60");
    }
  });
});

describe("review: respond() ranges", () => {
  it("review: a stale If-Range makes the Range irrelevant even when it is unsatisfiable (bytes=-0): 200 whole", async () => {
    // RFC 9110 13.2.2 step 5: If-Range false → ignore the Range header field and respond 200.
    // "bytes=-0" is a well-formed suffix range; s3kit answers 416 before looking at If-Range.
    const { response, text } = await respond(ignoring, {
      range: "bytes=-0",
      "if-range": '"old"',
    });
    expect([response.status, text]).toEqual([200, "0123456789"]);
  });

  it("review: a store answering a range past the end with an empty 206 'bytes 10-9/10' is not relayed as a 206", async () => {
    // objectAnswer plays a store that does not answer 416: s3kit accepts a Content-Range whose
    // end is before its start and passes that invalid Content-Range on to the browser.
    const { response } = await respond(ignoring, { range: "bytes=10-" });
    expect(response.status).not.toBe(206);
    expect(response.headers.get("content-range")).not.toBe("bytes 10-9/10");
  });

  it("review: If-None-Match with an empty list element still matches (RFC 9110 5.6.1.2)", async () => {
    const { response } = await respond(ignoring, { "if-none-match": '"x", , "e1"' });
    expect(response.status).toBe(304);
  });
});

describe("review: keys taken from a URL stay literal", () => {
  it("review: on the SDK's fetch handler (workerd), a key with '..' does not leave the Prefix", async () => {
    // The README serves `bucket.prefix("public")` with keys decoded from the URL; `/..%2Fprivate%2Fs`
    // decodes to "../private/s". The fetch handler builds a URL, whose parser resolves "..":
    // the GET goes to /b/private/s, outside the Prefix (SigV4 stores then refuse it as a bad
    // signature; an unverifying store serves it).
    const server = await fakes.start((request) => objectAnswer(request, data, stored));
    const client = new S3Client({
      endpoint: server.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: fakeCredentials,
      requestHandler: new FetchHttpHandler(),
    });
    const files = new S3({ client }).bucket("b").prefix("public");
    await files.respond("../private/secret.txt", new Request("http://app.test/x")).catch(() => {});
    for (const request of server.requests) {
      expect(request.url.startsWith("/b/public/")).toBe(true);
    }
    client.destroy();
  });
});

describe("review: respond() input checks", () => {
  it("review: a Node request (Express's req) instead of a web Request is a ValidationError, before any request", async () => {
    const { server, s3 } = await fakes.serve(ignoring);
    const nodeLike = { method: "GET", url: "/k", headers: { range: "bytes=0-1" } };
    const error = await rejection(s3.bucket("b").respond("k", nodeLike as unknown as Request));
    expect(error).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it("review: contentDisposition() of a name with a lone surrogate does not throw a raw URIError", () => {
    let thrown: unknown;
    try {
      contentDisposition("report\uD800.pdf");
    } catch (error) {
      thrown = error;
    }
    expect(thrown === undefined || thrown instanceof ValidationError).toBe(true);
  });
});

describe("review: asReadable", () => {
  it("review: a GetObject body of a type s3kit does not know is an error, not an empty object", async () => {
    // asReadable turns anything that is not a Node Readable, a web ReadableStream or a Blob
    // (a userland stream such as readable-stream's, a ReadableStream of another realm or
    // polyfill, bytes from a custom handler) into an empty body: a chunked answer (no
    // Content-Length) then reads as "" silently.
    const userland = {
      async *[Symbol.asyncIterator]() {
        yield new TextEncoder().encode("abc");
      },
    };
    const client = new S3Client({ region: "us-east-1" });
    mockClient(client)
      .on(GetObjectCommand)
      .callsFake(() => ({ Body: userland, ETag: '"e"' }) as never);
    const bucket = new S3({ client }).bucket("b");
    const result = await bucket.getText("k").catch((error: unknown) => error);
    expect(result === "abc" || result instanceof S3Error).toBe(true);
  });
});
