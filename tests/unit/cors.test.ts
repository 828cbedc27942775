import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  BucketNotFoundError,
  type CorsRule,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { errorXml, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// The bucket CORS API against a scripted store: the XML on the wire, and every answer a store
// gives (rules, none, NotImplemented, a missing bucket) mapped like any other request.

const fakes = useFakeS3();

const uploads: CorsRule[] = [
  {
    id: "browser-uploads",
    origins: ["https://app.example.com", "https://*.example.com"],
    methods: ["PUT", "POST"],
    headers: ["content-type", "x-amz-*"],
    exposeHeaders: ["ETag"],
    maxAgeSeconds: 3000,
  },
  { origins: ["*"], methods: ["GET", "HEAD"] },
];

/** The rules above as the SDK writes them (its own element order). */
const sentXml =
  '<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  "<CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>" +
  "<AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedOrigin>https://*.example.com</AllowedOrigin>" +
  "<ID>browser-uploads</ID><AllowedHeader>content-type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>" +
  "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>" +
  "<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>" +
  "</CORSConfiguration>";

/** The rules above as S3 answers them (the order of its documentation). */
const uploadsXml =
  '<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  "<CORSRule><ID>browser-uploads</ID><AllowedHeader>content-type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>" +
  "<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>" +
  "<AllowedOrigin>https://app.example.com</AllowedOrigin><AllowedOrigin>https://*.example.com</AllowedOrigin>" +
  "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>" +
  "<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>" +
  "</CORSConfiguration>";

const notFound = (code: string, message: string) => ({
  status: 404,
  body: errorXml(code, message),
});

function requestLine(request: SeenRequest): string {
  return `${request.method} ${request.url}`;
}

describe("bucket CORS rules", () => {
  it("setCors sends the rules as S3's CORSConfiguration, getCors reads them back", async () => {
    const { server, s3 } = await fakes.serve((request) =>
      request.method === "PUT" ? { status: 200 } : { status: 200, body: uploadsXml },
    );
    const bucket = s3.bucket("photos");
    await bucket.setCors(uploads);
    const [put] = server.requests;
    expect(put && requestLine(put)).toBe("PUT /photos/?cors=");
    // S3 refuses a PutBucketCors without a checksum of its body, even under "when-required".
    expect(put?.headers["x-amz-checksum-crc32"]).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(put?.body).toBe(sentXml);
    expect(await bucket.getCors()).toEqual(uploads);
    expect(server.requests.map(requestLine)).toEqual(["PUT /photos/?cors=", "GET /photos/?cors="]);
  });

  it("getCors on a bucket without rules returns [] (S3's NoSuchCORSConfiguration 404)", async () => {
    const { s3 } = await fakes.serve(() =>
      notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    );
    expect(await s3.bucket("photos").getCors()).toEqual([]);
  });

  it("a missing bucket is a BucketNotFoundError for every CORS call", async () => {
    const { s3 } = await fakes.serve(() =>
      notFound("NoSuchBucket", "The specified bucket does not exist"),
    );
    const bucket = s3.bucket("gone");
    for (const call of [
      () => bucket.getCors(),
      () => bucket.setCors(uploads),
      () => bucket.deleteCors(),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BucketNotFoundError);
      expect(error).toMatchObject({ code: "NoSuchBucket", status: 404, bucket: "gone" });
    }
  });

  it("a store without bucket CORS (MinIO) answers NotImplemented: S3OperationError, not retried", async () => {
    const { server, s3 } = await fakes.serve(() => ({
      status: 501,
      body: errorXml(
        "NotImplemented",
        "A header you provided implies functionality that is not implemented",
      ),
    }));
    const error = await s3
      .bucket("photos")
      .setCors(uploads)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "NotImplemented",
      status: 501,
      operation: "PutBucketCors",
      bucket: "photos",
      retryable: false,
    });
    expect((error as Error).message).toMatch(/^PutBucketCors s3:\/\/photos failed: NotImplemented/);
    expect(server.requests).toHaveLength(1);
  });

  it("deleteCors sends DELETE ?cors; setCors([]) does the same (S3 refuses an empty set)", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 204 }));
    const bucket = s3.bucket("photos");
    await bucket.deleteCors();
    await bucket.setCors([]);
    expect(server.requests.map(requestLine)).toEqual([
      "DELETE /photos/?cors=",
      "DELETE /photos/?cors=",
    ]);
  });

  it("deleteCors succeeds when a store says there were no rules to delete", async () => {
    const { s3 } = await fakes.serve(() =>
      notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    );
    await expect(s3.bucket("photos").deleteCors()).resolves.toBeUndefined();
  });

  it("403 is an AccessDeniedError naming the CORS operation", async () => {
    const { s3 } = await fakes.serve(() => ({
      status: 403,
      body: errorXml("AccessDenied", "Access Denied"),
    }));
    const error = await s3
      .bucket("photos")
      .getCors()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ operation: "GetBucketCors", bucket: "photos" });
  });

  it("an aborted signal fails with Aborted before any request", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
    const signal = AbortSignal.abort();
    const error = await s3
      .bucket("photos")
      .setCors(uploads, { signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted", operation: "PutBucketCors" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("setCors refuses rules a store would refuse or no browser would match", () => {
  const origin = "https://app.example.com";
  const bad: Array<[string, unknown, RegExp]> = [
    ["not an array", { origins: [origin], methods: ["PUT"] }, /rules must be an array/],
    [
      "101 rules",
      Array(101).fill({ origins: [origin], methods: ["PUT"] }),
      /101 rules; S3 allows 100/,
    ],
    ["a rule that is not an object", ["PUT"], /rules\[0\] must be an object/],
    ["no origins", [{ methods: ["PUT"] }], /rules\[0\]\.origins must be an array of strings/],
    ["empty origins", [{ origins: [], methods: ["PUT"] }], /rules\[0\]\.origins is empty/],
    ["empty methods", [{ origins: [origin], methods: [] }], /rules\[0\]\.methods is empty/],
    ["a string for origins", [{ origins: origin, methods: ["PUT"] }], /origins must be an array/],
    [
      "OPTIONS",
      [{ origins: [origin], methods: ["PUT", "OPTIONS"] }],
      /rules\[0\]\.methods\[1\] "OPTIONS" is not one of GET, PUT, POST, DELETE, HEAD/,
    ],
    ["a lowercase method", [{ origins: [origin], methods: ["put"] }], /"put" is not one of/],
    [
      "an origin with a trailing slash",
      [{ origins: ["https://app.example.com/"], methods: ["PUT"] }],
      /"https:\/\/app\.example\.com\/" is not an origin/,
    ],
    [
      "an origin with a path",
      [{ origins: ["https://example.com/upload"], methods: ["PUT"] }],
      /is not an origin/,
    ],
    [
      "an origin without a scheme",
      [{ origins: ["app.example.com"], methods: ["PUT"] }],
      /is not an origin/,
    ],
    [
      "two wildcards in an origin",
      [{ origins: ["https://*.*.example.com"], methods: ["PUT"] }],
      /may hold one \* at most/,
    ],
    ["an empty origin", [{ origins: [""], methods: ["PUT"] }], /origins\[0\] must be a non-empty/],
    [
      "a header name with a space",
      [{ origins: [origin], methods: ["PUT"], headers: ["content type"] }],
      /headers\[0\] "content type" is not a header name/,
    ],
    [
      "two wildcards in a header",
      [{ origins: [origin], methods: ["PUT"], headers: ["x-*-*"] }],
      /may hold one \* at most/,
    ],
    [
      "an expose header that is no name",
      [{ origins: [origin], methods: ["PUT"], exposeHeaders: ["ETag:"] }],
      /exposeHeaders\[0\] "ETag:" is not a header name/,
    ],
    [
      "a negative max age",
      [{ origins: [origin], methods: ["PUT"], maxAgeSeconds: -1 }],
      /rules\[0\]\.maxAgeSeconds must be a whole number of seconds from 0/,
    ],
    [
      "a fractional max age",
      [{ origins: [origin], methods: ["PUT"], maxAgeSeconds: 1.5 }],
      /maxAgeSeconds must be a whole number/,
    ],
    [
      "an id over 255 characters",
      [{ origins: [origin], methods: ["PUT"], id: "r".repeat(256) }],
      /rules\[0\]\.id must be a string of 1 to 255 characters/,
    ],
    [
      "the SDK's field names",
      [{ AllowedOrigins: [origin], AllowedMethods: ["PUT"] }],
      /rules\[0\]\.AllowedOrigins is not a field of a CORS rule \(origins, methods, headers, exposeHeaders, maxAgeSeconds, id\)/,
    ],
  ];

  it.each(bad)("%s", async (_, rules, message) => {
    const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
    const error = await s3
      .bucket("photos")
      .setCors(rules as CorsRule[])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ operation: "setCors" });
    expect((error as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(0);
  });

  it("takes every form a browser's Origin can match: *, null, ports, one-wildcard patterns", async () => {
    const { server, s3 } = await fakes.serve(() => ({ status: 200 }));
    const origins = [
      "*",
      "null",
      "http://localhost:5173",
      "https://*.example.com",
      "*.example.org",
    ];
    await s3.bucket("photos").setCors([{ origins, methods: ["GET"], maxAgeSeconds: 0 }]);
    expect(server.requests[0]?.body).toContain(
      "<AllowedOrigin>http://localhost:5173</AllowedOrigin>",
    );
    expect(server.requests[0]?.body).toContain("<MaxAgeSeconds>0</MaxAgeSeconds>");
  });
});
