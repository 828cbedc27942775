import { randomBytes } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { AccessDeniedError, BucketNotFoundError, type S3 } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { countRequests, testS3, uniqueBucketName, useTestBucket } from "../helpers/s3.js";
import { type Capability, needs } from "../helpers/stores.js";

const t = useTestBucket();
const SIZE = 100_000;
const data = randomBytes(SIZE);
const KEY = "media/clip.mp4";
let etag: string;
let lastModified: Date;
let requests: Map<string, number>;

beforeEach(async () => {
  const put = await t.raw.send(
    new PutObjectCommand({ Bucket: t.bucket.name, Key: KEY, Body: data, ContentType: "video/mp4" }),
  );
  etag = put.ETag as string;
  const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: KEY }));
  lastModified = head.LastModified as Date;
  requests = countRequests(t.s3);
});

const hour = 3_600_000;
const date = (shift: number) => new Date(lastModified.getTime() + shift).toUTCString();

/** respond() to a request with these headers, as a browser or a CDN would send it. */
function respond(headers: Record<string, string> = {}, method = "GET", key = KEY) {
  return t.bucket.respond(key, new Request(`http://app.test/${key}`, { method, headers }));
}

/** One row: the request's headers, the status, and the bytes [from, to) the body must hold. */
interface Row {
  name: string;
  method?: string;
  headers: () => Record<string, string>;
  status: number;
  body?: [number, number];
  contentRange?: string;
  /** The S3 requests it may cost: GetObject by default, HeadObject for HEAD. */
  sent?: Record<string, number>;
  /** What the row needs of the store beyond plain GETs. */
  needs?: Capability[];
}

/** A GET's 304 is only whole (ETag, Last-Modified, one request) from a store that sends them. */
const notModified: Capability[] = ["notModifiedHeaders"];

const table: Row[] = [
  { name: "GET", headers: () => ({}), status: 200, body: [0, SIZE] },
  {
    name: "Range a-b",
    headers: () => ({ range: "bytes=0-99" }),
    status: 206,
    body: [0, 100],
    contentRange: `bytes 0-99/${SIZE}`,
  },
  {
    name: "Range in the middle",
    headers: () => ({ range: "bytes=1000-1999" }),
    status: 206,
    body: [1000, 2000],
    contentRange: `bytes 1000-1999/${SIZE}`,
  },
  {
    name: "Range open-ended a-",
    headers: () => ({ range: "bytes=99000-" }),
    status: 206,
    body: [99000, SIZE],
    contentRange: `bytes 99000-99999/${SIZE}`,
  },
  {
    name: "Range suffix -n",
    headers: () => ({ range: "bytes=-500" }),
    status: 206,
    needs: ["exactRanges"],
    body: [SIZE - 500, SIZE],
    contentRange: `bytes 99500-99999/${SIZE}`,
  },
  {
    name: "Range suffix longer than the object",
    headers: () => ({ range: "bytes=-200000" }),
    status: 206,
    body: [0, SIZE],
    contentRange: `bytes 0-99999/${SIZE}`,
  },
  {
    name: "Range past the end, clamped",
    headers: () => ({ range: "bytes=99990-200000" }),
    status: 206,
    body: [99990, SIZE],
    contentRange: `bytes 99990-99999/${SIZE}`,
  },
  {
    name: "Range of one byte",
    headers: () => ({ range: "bytes=5-5" }),
    status: 206,
    body: [5, 6],
    contentRange: `bytes 5-5/${SIZE}`,
  },
  {
    name: "multi-range: the whole object",
    headers: () => ({ range: "bytes=0-9,20-29" }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "malformed Range: ignored",
    headers: () => ({ range: "bytes=abc" }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "another unit: ignored",
    headers: () => ({ range: "items=0-5" }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "416 start past the end",
    headers: () => ({ range: `bytes=${SIZE}-` }),
    status: 416,
    contentRange: `bytes */${SIZE}`,
    sent: { GetObject: 1, HeadObject: 1 },
  },
  {
    name: "416 last before first",
    headers: () => ({ range: "bytes=500-100" }),
    status: 416,
    contentRange: `bytes */${SIZE}`,
    sent: { HeadObject: 1 },
  },
  {
    name: "416 suffix of 0",
    headers: () => ({ range: "bytes=-0" }),
    status: 416,
    contentRange: `bytes */${SIZE}`,
    sent: { HeadObject: 1 },
  },
  {
    name: "304 If-None-Match",
    headers: () => ({ "if-none-match": etag }),
    status: 304,
    needs: notModified,
  },
  {
    name: "304 If-None-Match weak",
    headers: () => ({ "if-none-match": `W/${etag}` }),
    status: 304,
    needs: notModified,
  },
  {
    name: "304 If-None-Match list",
    headers: () => ({ "if-none-match": `"other", ${etag}` }),
    status: 304,
  },
  {
    name: "304 If-None-Match *",
    headers: () => ({ "if-none-match": "*" }),
    status: 304,
    needs: notModified,
  },
  {
    name: "304 If-None-Match with Range",
    headers: () => ({ "if-none-match": etag, range: "bytes=0-9" }),
    status: 304,
    needs: notModified,
  },
  {
    name: "200 If-None-Match another",
    headers: () => ({ "if-none-match": '"other"' }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "304 If-Modified-Since = Last-Modified",
    headers: () => ({ "if-modified-since": date(0) }),
    status: 304,
    needs: notModified,
  },
  {
    name: "304 If-Modified-Since later",
    headers: () => ({ "if-modified-since": date(hour) }),
    status: 304,
    needs: notModified,
  },
  {
    name: "200 If-Modified-Since earlier",
    headers: () => ({ "if-modified-since": date(-hour) }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "200 If-None-Match another wins over If-Modified-Since",
    headers: () => ({ "if-none-match": '"other"', "if-modified-since": date(hour) }),
    status: 200,
    body: [0, SIZE],
  },
  { name: "200 If-Match", headers: () => ({ "if-match": etag }), status: 200, body: [0, SIZE] },
  {
    name: "200 If-Match list",
    headers: () => ({ "if-match": `"other", ${etag}` }),
    status: 200,
    body: [0, SIZE],
  },
  { name: "200 If-Match *", headers: () => ({ "if-match": "*" }), status: 200, body: [0, SIZE] },
  {
    name: "206 If-Match with Range",
    headers: () => ({ "if-match": etag, range: "bytes=10-19" }),
    status: 206,
    body: [10, 20],
    contentRange: `bytes 10-19/${SIZE}`,
  },
  { name: "412 If-Match another", headers: () => ({ "if-match": '"other"' }), status: 412 },
  {
    name: "412 If-Match weak (strong comparison)",
    headers: () => ({ "if-match": `W/${etag}` }),
    status: 412,
  },
  {
    name: "412 If-Unmodified-Since earlier",
    headers: () => ({ "if-unmodified-since": date(-hour) }),
    status: 412,
  },
  {
    name: "200 If-Unmodified-Since later",
    headers: () => ({ "if-unmodified-since": date(hour) }),
    status: 200,
    body: [0, SIZE],
  },
  {
    name: "206 If-Range ETag",
    headers: () => ({ range: "bytes=0-9", "if-range": etag }),
    status: 206,
    body: [0, 10],
    contentRange: `bytes 0-9/${SIZE}`,
  },
  {
    name: "206 If-Range date",
    headers: () => ({ range: "bytes=0-9", "if-range": date(0) }),
    status: 206,
    body: [0, 10],
    contentRange: `bytes 0-9/${SIZE}`,
  },
  {
    name: "200 If-Range stale ETag: the whole object",
    headers: () => ({ range: "bytes=0-9", "if-range": '"old"' }),
    status: 200,
    body: [0, SIZE],
    sent: { GetObject: 2 },
  },
  {
    name: "200 If-Range stale date: the whole object",
    headers: () => ({ range: "bytes=0-9", "if-range": date(-hour) }),
    status: 200,
    body: [0, SIZE],
    sent: { GetObject: 2 },
  },
  { name: "HEAD", method: "HEAD", headers: () => ({}), status: 200, sent: { HeadObject: 1 } },
  {
    name: "HEAD ignores Range",
    method: "HEAD",
    headers: () => ({ range: "bytes=0-9" }),
    status: 200,
    sent: { HeadObject: 1 },
  },
  {
    name: "HEAD 304",
    method: "HEAD",
    headers: () => ({ "if-none-match": etag }),
    status: 304,
    sent: { HeadObject: 1 },
  },
  {
    name: "HEAD 412",
    method: "HEAD",
    headers: () => ({ "if-match": '"other"' }),
    status: 412,
    sent: { HeadObject: 1 },
  },
  { name: "405 POST", method: "POST", headers: () => ({}), status: 405, sent: {} },
  { name: "405 DELETE", method: "DELETE", headers: () => ({}), status: 405, sent: {} },
];

describe("respond(): conditional and range requests", () => {
  it.for(table)("$name → $status", async (row, context) => {
    needs(context, ...(row.needs ?? []));
    const method = row.method ?? "GET";
    const response = await respond(row.headers(), method);
    expect(response.status).toBe(row.status);
    const body = new Uint8Array(await response.arrayBuffer());
    if (row.body) {
      const [from, to] = row.body;
      expect(Buffer.from(body).equals(data.subarray(from, to))).toBe(true);
      expect(response.headers.get("content-length")).toBe(String(to - from));
      expect(response.headers.get("content-type")).toBe("video/mp4");
    } else {
      expect(body.length).toBe(0);
    }
    expect(response.headers.get("content-range")).toBe(row.contentRange ?? null);
    if ([200, 206, 304].includes(row.status)) {
      expect(response.headers.get("etag")).toBe(etag);
      expect(response.headers.get("last-modified")).toBe(lastModified.toUTCString());
    }
    if (row.status === 200 || row.status === 206) {
      expect(response.headers.get("accept-ranges")).toBe("bytes");
    }
    if (method === "HEAD" && row.status === 200) {
      expect(response.headers.get("content-length")).toBe(String(SIZE));
    }
    if (row.status === 405) expect(response.headers.get("allow")).toBe("GET, HEAD");
    const sent = row.sent ?? (method === "HEAD" ? { HeadObject: 1 } : { GetObject: 1 });
    expect(Object.fromEntries(requests)).toEqual(sent);
  });

  it("404 for a missing key, GET and HEAD alike", async () => {
    expect((await respond({}, "GET", "media/missing.mp4")).status).toBe(404);
    expect((await respond({ range: "bytes=0-1" }, "GET", "media/missing.mp4")).status).toBe(404);
    expect((await respond({}, "HEAD", "media/missing.mp4")).status).toBe(404);
  });

  it("an empty object answers a Range with 200 and no bytes (no range of it exists)", async () => {
    await t.bucket.put("empty.txt", "");
    for (const range of ["bytes=0-", "bytes=-5"]) {
      const response = await respond({ range }, "GET", "empty.txt");
      expect(response.status).toBe(200);
      expect(response.headers.get("content-length")).toBe("0");
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    }
  });
});

describe("respond(): headers", () => {
  const request = (key: string) => new Request(`http://app.test/${key}`);

  it("download, filename and inline set Content-Disposition; unset, the stored one is sent", async () => {
    const disposition = async (options: object, key = KEY) =>
      (await t.bucket.respond(key, request(key), options)).headers.get("content-disposition");
    expect(await disposition({ download: true })).toBe('attachment; filename="clip.mp4"');
    expect(await disposition({ filename: "Résumé.mp4" })).toBe(
      `attachment; filename="R_sum_.mp4"; filename*=UTF-8''R%C3%A9sum%C3%A9.mp4`,
    );
    expect(await disposition({ inline: true })).toBe("inline");
    expect(await disposition({ inline: true, filename: "a.mp4" })).toBe('inline; filename="a.mp4"');
    expect(await disposition({})).toBeNull();
    await t.bucket.put("report.pdf", "%PDF", {
      contentDisposition: 'attachment; filename="r.pdf"',
    });
    expect(await disposition({}, "report.pdf")).toBe('attachment; filename="r.pdf"');
  });

  it("cacheControl goes on 200, 206 and 304; unset, the object's own Cache-Control", async () => {
    const options = { cacheControl: "public, max-age=60" };
    const variants: Array<Record<string, string>> = [
      {},
      { range: "bytes=0-1" },
      { "if-none-match": etag },
    ];
    for (const headers of variants) {
      const response = await t.bucket.respond(
        KEY,
        new Request("http://app.test/", { headers }),
        options,
      );
      expect(response.headers.get("cache-control")).toBe("public, max-age=60");
    }
    await t.bucket.put("cached.txt", "x", { cacheControl: "max-age=5" });
    const response = await t.bucket.respond("cached.txt", request("cached.txt"));
    expect(response.headers.get("cache-control")).toBe("max-age=5");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("Content-Encoding passes through: a gzip object is served as stored, bytes untouched", async () => {
    const gz = randomBytes(300);
    await t.bucket.put("page.html.gz", gz, { contentType: "text/html", contentEncoding: "gzip" });
    const response = await t.bucket.respond("page.html.gz", request("page.html.gz"));
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("content-type")).toBe("text/html");
  });

  it("a Prefix serves the keys under it, relative", async () => {
    const media = t.bucket.prefix("media");
    const response = await media.respond(
      "clip.mp4",
      new Request("http://app.test/clip.mp4", { headers: { range: `bytes=${SIZE - 4}-` } }),
    );
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(data.subarray(SIZE - 4))).toBe(true);
  });
});

describe("respond(): failures that no status answers are thrown", () => {
  const request = new Request("http://app.test/k");

  it("a missing bucket is BucketNotFoundError", async () => {
    const missing = t.s3.bucket(uniqueBucketName("gone"));
    expect(await rejection(missing.respond("k", request))).toBeInstanceOf(BucketNotFoundError);
  });

  it("bad credentials are AccessDeniedError", async (context) => {
    needs(context, "signatures");
    const credentials = { accessKeyId: "nobody-here", secretAccessKey: "wrong-secret-key" };
    const other: S3 = testS3({ credentials });
    try {
      const denied = other.bucket(t.bucket.name);
      expect(await rejection(denied.respond(KEY, request))).toBeInstanceOf(AccessDeniedError);
    } finally {
      other.close();
    }
  });
});
