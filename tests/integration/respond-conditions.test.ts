import { randomBytes } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { beforeEach, describe, expect, it } from "vitest";
import { PreconditionFailedError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { useTestBucket } from "../helpers/s3.js";
import { needs } from "../helpers/stores.js";

// Issue 10: MinIO answers If-Modified-Since / If-None-Match with 304 before it
// looks at If-Match / If-Unmodified-Since. RFC 9110 13.2.2 evaluates If-Match, else
// If-Unmodified-Since, first: respond() and open() check them on that 304, and 412 wins.

const t = useTestBucket();
const KEY = "site/app.css";
const data = randomBytes(1000);
let etag: string;
let lastModified: Date;

beforeEach(async () => {
  const put = await t.raw.send(
    new PutObjectCommand({
      Bucket: t.bucket.name,
      Key: KEY,
      Body: data,
      CacheControl: "max-age=5",
    }),
  );
  etag = put.ETag as string;
  const head = await t.raw.send(new HeadObjectCommand({ Bucket: t.bucket.name, Key: KEY }));
  lastModified = head.LastModified as Date;
});

const hour = 3_600_000;
const date = (shift: number) => new Date(lastModified.getTime() + shift).toUTCString();
const respond = (headers: Record<string, string>, method = "GET") =>
  t.bucket.respond(KEY, new Request("http://app.test/app.css", { method, headers }));

describe("issue 10: respond() precedence (RFC 9110 13.2.2)", () => {
  const rows: Array<{ name: string; headers: () => Record<string, string> }> = [
    {
      name: "If-Match another + If-Modified-Since later",
      headers: () => ({ "if-match": '"other"', "if-modified-since": date(hour) }),
    },
    {
      name: "If-Match another + If-None-Match the ETag",
      headers: () => ({ "if-match": '"other"', "if-none-match": etag }),
    },
    {
      name: "If-Unmodified-Since earlier + If-Modified-Since later",
      headers: () => ({ "if-unmodified-since": date(-hour), "if-modified-since": date(hour) }),
    },
    {
      name: "If-Unmodified-Since earlier + If-None-Match the ETag",
      headers: () => ({ "if-unmodified-since": date(-hour), "if-none-match": etag }),
    },
  ];
  it.each(rows)("issue 10: $name → 412, not 304", async (row) => {
    for (const method of ["GET", "HEAD"]) {
      const response = await respond(row.headers(), method);
      await response.arrayBuffer();
      expect(response.status, method).toBe(412);
    }
  });

  it("issue 10: open() with ifUnmodifiedSince earlier and ifModifiedSince later rejects with PreconditionFailedError", async (context) => {
    needs(context, "conditionalReads");
    const error = await rejection(
      t.bucket.open(KEY, {
        ifUnmodifiedSince: new Date(lastModified.getTime() - hour),
        ifModifiedSince: new Date(lastModified.getTime() + hour),
      }),
    );
    expect(error).toBeInstanceOf(PreconditionFailedError);
  });
});

describe("issue 10: respond()'s 304 headers (RFC 9110 15.4.5)", () => {
  it("issue 10: the stored Cache-Control is on a GET's 304 as on the HEAD's 304 and the 200", async (context) => {
    needs(context, "notModifiedHeaders");
    const ok = await respond({});
    await ok.arrayBuffer();
    expect(ok.headers.get("cache-control")).toBe("max-age=5");
    const head = await respond({ "if-none-match": etag }, "HEAD");
    expect([head.status, head.headers.get("cache-control")]).toEqual([304, "max-age=5"]);
    const get = await respond({ "if-none-match": etag });
    expect([get.status, get.headers.get("cache-control")]).toEqual([304, "max-age=5"]);
  });
});
