import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  BucketNotFoundError,
  isS3Error,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { deleteResultXml, objectsPageXml, operationOf, xmlReply } from "../helpers/s3-wire.js";

// Item 9 of issue 13, on the wire: bucket.exists(), bucket.region(), and a bucket in another
// region that just works on both transports. The fake plays AWS: a bucket in eu-west-1
// answers a request signed for any other region with a 301 PermanentRedirect naming its
// region in x-amz-bucket-region (MinIO cannot: it has one region and never redirects).

const fakes = useFakeS3();
const TRANSPORTS = ["lean", "sdk"] as const;

/** The region a request's credential scope names. */
function signedRegion(request: SeenRequest): string | undefined {
  const auth = String(request.headers.authorization ?? "");
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(auth)?.[1];
}

/** The regions the requests were signed for, in order. */
const regionsOf = (requests: SeenRequest[]) => requests.map(signedRegion);

/** AWS's answer to a request for a bucket in `region` sent elsewhere: a 301, bodiless to a HEAD. */
function movedTo(request: SeenRequest, region: string): FakeReply {
  const body = errorXml("PermanentRedirect", "The bucket is in another region.");
  return {
    status: 301,
    headers: { "x-amz-bucket-region": region },
    body: request.method === "HEAD" ? "" : body,
  };
}

/** A bucket store answering every operation of these tests with success. */
function objectStore(request: SeenRequest): FakeReply {
  const operation = operationOf(request);
  if (operation === "GetObject") return { status: 200, headers: { etag: '"e1"' }, body: "hello" };
  if (operation === "ListObjectsV2") return objectsPageXml(["a", "b"]);
  if (operation === "DeleteObjects") return deleteResultXml();
  if (operation === "HeadObject" || operation === "HeadBucket") {
    const headers = { etag: '"e1"', "x-amz-bucket-region": "eu-west-1" };
    return { status: 200, headers, contentLength: 5 };
  }
  return { status: 200, headers: { etag: '"e1"' } };
}

/** Buckets in eu-west-1 (see movedTo), but "home", which is in us-east-1. */
function awsLike(request: SeenRequest): FakeReply {
  const region = request.url.startsWith("/home") ? "us-east-1" : "eu-west-1";
  return signedRegion(request) === region ? objectStore(request) : movedTo(request, region);
}

describe.each(TRANSPORTS)("bucket facts: region redirect (%s)", (transport) => {
  it("follows a 301 to the bucket's region once, then signs for it from the start", async () => {
    const { server, s3 } = await fakes.serve(awsLike, { transport });
    const bucket = s3.bucket("b");
    expect(await bucket.getText("k")).toBe("hello");
    expect(await bucket.getText("k")).toBe("hello");
    await bucket.put("k", "x");
    expect(regionsOf(server.requests)).toEqual([
      "us-east-1",
      "eu-west-1",
      "eu-west-1",
      "eu-west-1",
    ]);
  });

  it("follows a HEAD's bodiless 301, a listing's and a batch delete's", async () => {
    const { server, s3 } = await fakes.serve(awsLike, { transport });
    expect(await s3.bucket("h").exists("k")).toBe(true);
    expect((await s3.bucket("l").list()).map((o) => o.key)).toEqual(["a", "b"]);
    expect((await s3.bucket("d").deleteMany(["a", "b"])).deleted).toHaveLength(2);
    expect(regionsOf(server.requests)).toEqual([
      "us-east-1",
      "eu-west-1",
      "us-east-1",
      "eu-west-1",
      "us-east-1",
      "eu-west-1",
    ]);
  });

  it("follows a 400 AuthorizationHeaderMalformed naming the region", async () => {
    const { server, s3 } = await fakes.serve(
      (request) => {
        if (signedRegion(request) === "eu-west-1") return objectStore(request);
        const body = errorXml(
          "AuthorizationHeaderMalformed",
          "the region 'us-east-1' is wrong; expecting 'eu-west-1'",
        ).replace("</Error>", "<Region>eu-west-1</Region></Error>");
        return { status: 400, headers: { "x-amz-bucket-region": "eu-west-1" }, body };
      },
      { transport },
    );
    expect(await s3.bucket("b").getText("k")).toBe("hello");
    await s3.bucket("b").put("k", "x");
    expect(regionsOf(server.requests)).toEqual(["us-east-1", "eu-west-1", "eu-west-1"]);
  });

  it("follows a HEAD's bodiless 400 naming the region (an object's and the bucket's)", async () => {
    const { server, s3 } = await fakes.serve(
      (request) =>
        signedRegion(request) === "eu-west-1"
          ? objectStore(request)
          : { status: 400, headers: { "x-amz-bucket-region": "eu-west-1" } },
      { transport },
    );
    expect(await s3.bucket("o").exists("k")).toBe(true);
    expect(await s3.bucket("b").exists()).toBe(true);
    expect(regionsOf(server.requests)).toEqual([
      "us-east-1",
      "eu-west-1",
      "us-east-1",
      "eu-west-1",
    ]);
  });

  it("leaves concurrent requests to a bucket of the client's region alone", async () => {
    const { server, s3 } = await fakes.serve(awsLike, { transport });
    const writes = Array.from({ length: 16 }, (_, i) =>
      s3.bucket(i % 2 === 0 ? "home" : `b${i}`).put("k", "x"),
    );
    await Promise.all(writes);
    const home = server.requests.filter((request) => request.url.startsWith("/home"));
    expect(regionsOf(home)).toEqual(Array(8).fill("us-east-1"));
    expect(server.requests).toHaveLength(16 + 8);
  });

  it("signs presigned URLs and POST forms for the region it learnt", async () => {
    const { s3 } = await fakes.serve(awsLike, { transport });
    const bucket = s3.bucket("b");
    expect(await bucket.presign("k")).toContain("%2Fus-east-1%2Fs3%2F");
    const before = await bucket.presignPost("k");
    await bucket.getText("k");
    expect(await bucket.presign("k")).toContain("%2Feu-west-1%2Fs3%2F");
    expect(before.fields["X-Amz-Credential"]).toContain("/us-east-1/s3/");
    const after = await bucket.presignPost("k");
    expect(after.fields["X-Amz-Credential"]).toContain("/eu-west-1/s3/");
    expect(after.url).toBe(before.url);
  });

  it("retries a redirected request that then fails transiently, as any other", async () => {
    let failures = 0;
    const { server, s3 } = await fakes.serve(
      (request) => {
        if (signedRegion(request) !== "eu-west-1") return movedTo(request, "eu-west-1");
        failures += 1;
        return failures === 1 ? { status: 503, body: errorXml("SlowDown", "slow") } : "reset";
      },
      { transport, maxRetries: 3 },
    );
    const error = await s3
      .bucket("b")
      .getText("k")
      .catch((e: unknown) => e);
    // The redirect costs no retry: maxRetries + 1 attempts in the bucket's region, both paths.
    expect(isS3Error(error)).toBe(true);
    expect(regionsOf(server.requests)).toEqual(["us-east-1", ...Array(4).fill("eu-west-1")]);
  });

  it("follows one redirect per call, never a second, and fails as an S3Error", async () => {
    // A store whose redirects contradict each other: each names the other region.
    const { server, s3 } = await fakes.serve(
      (request) =>
        movedTo(request, signedRegion(request) === "eu-west-1" ? "eu-north-1" : "eu-west-1"),
      { transport },
    );
    const error = await s3
      .bucket("b")
      .getText("k")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "PermanentRedirect", status: 301 });
    expect(regionsOf(server.requests)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("does not follow a redirect to the region just tried", async () => {
    const { server, s3 } = await fakes.serve((request) => movedTo(request, "us-east-1"), {
      transport,
    });
    await expect(s3.bucket("b").getText("k")).rejects.toMatchObject({ status: 301 });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a region name that is no region", async () => {
    const { server, s3 } = await fakes.serve((request) => movedTo(request, "evil.example/x"), {
      transport,
    });
    await expect(s3.bucket("b").getText("k")).rejects.toMatchObject({ status: 301 });
    expect(server.requests).toHaveLength(1);
  });

  it("follows a redirect with maxRetries 0: a redirect is no retry", async () => {
    const { server, s3 } = await fakes.serve(awsLike, { transport, maxRetries: 0 });
    expect(await s3.bucket("b").getText("k")).toBe("hello");
    expect(regionsOf(server.requests)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("follows a redirect of an operation sharing one retry budget, with no retry left", async () => {
    // deleteMany shares one budget (maxRetries + 1 attempts) across its requests' retries.
    const { server, s3 } = await fakes.serve(awsLike, { transport, maxRetries: 0 });
    expect((await s3.bucket("d").deleteMany(["a"])).failed).toEqual([]);
    expect(regionsOf(server.requests)).toEqual(["us-east-1", "eu-west-1"]);
  });
});

/** GetBucketLocation's answer naming `constraint` (none: the empty element of us-east-1). */
function locationXml(constraint?: string): FakeReply {
  const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
  return xmlReply(
    constraint === undefined
      ? `<LocationConstraint ${ns}/>`
      : `<LocationConstraint ${ns}>${constraint}</LocationConstraint>`,
  );
}

const isLocation = (request: SeenRequest) =>
  new URL(request.url, "http://f").searchParams.has("location");

describe.each(TRANSPORTS)("bucket facts: exists() and region() (%s)", (transport) => {
  it("exists() is true on 200, false on 404, AccessDeniedError on 403", async () => {
    const { server, s3 } = await fakes.serve(
      (request) => {
        if (request.url.startsWith("/mine")) return { status: 200 };
        if (request.url.startsWith("/theirs")) return { status: 403 };
        return { status: 404 };
      },
      { transport },
    );
    expect(await s3.bucket("mine").exists()).toBe(true);
    expect(await s3.bucket("gone").exists({})).toBe(false);
    const denied = await s3
      .bucket("theirs")
      .exists()
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect(denied).toMatchObject({ status: 403, operation: "HeadBucket", bucket: "theirs" });
    expect(server.requests.map(operationOf)).toEqual(["HeadBucket", "HeadBucket", "HeadBucket"]);
  });

  it("exists() follows a bucket to its region", async () => {
    const { server, s3 } = await fakes.serve(awsLike, { transport });
    expect(await s3.bucket("b").exists()).toBe(true);
    expect(regionsOf(server.requests)).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("exists(key) asks for the object; a key that is no string is refused unsent", async () => {
    const { server, s3 } = await fakes.serve((request) => objectStore(request), { transport });
    expect(await s3.bucket("b").exists("k")).toBe(true);
    expect(server.requests.map(operationOf)).toEqual(["HeadObject"]);
    const bucket = s3.bucket("b") as unknown as { exists(key: unknown): Promise<boolean> };
    await expect(bucket.exists(undefined)).rejects.toThrow(ValidationError);
    await expect(bucket.exists(null)).rejects.toThrow(ValidationError);
    await expect(s3.bucket("b").exists({ signal: "no" as never })).rejects.toThrow(ValidationError);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [undefined, "us-east-1"],
    ["", "us-east-1"],
    ["EU", "eu-west-1"],
    ["ap-south-1", "ap-south-1"],
  ])("region() reads the LocationConstraint %j as %s", async (constraint, region) => {
    const { server, s3 } = await fakes.serve(() => locationXml(constraint || undefined), {
      transport,
    });
    expect(await s3.bucket("b").region()).toBe(region);
    expect(server.requests.every(isLocation)).toBe(true);
  });

  it("region() falls back to HeadBucket's region when GetBucketLocation is refused", async () => {
    const { server, s3 } = await fakes.serve(
      (request) => {
        if (isLocation(request)) return { status: 403, body: errorXml("AccessDenied", "no") };
        return { status: 200, headers: { "x-amz-bucket-region": "eu-central-1" } };
      },
      { transport },
    );
    expect(await s3.bucket("b").region()).toBe("eu-central-1");
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "HEAD"]);
  });

  it("region() reads the region of a HeadBucket answered 403 (someone else's bucket)", async () => {
    const { s3 } = await fakes.serve(
      (request) => {
        if (isLocation(request)) return { status: 403, body: errorXml("AccessDenied", "no") };
        return { status: 403, headers: { "x-amz-bucket-region": "sa-east-1" } };
      },
      { transport },
    );
    expect(await s3.bucket("b").region()).toBe("sa-east-1");
  });

  it("region() throws GetBucketLocation's refusal when no answer names the region", async () => {
    const { s3 } = await fakes.serve(
      (request) => {
        if (isLocation(request)) return { status: 403, body: errorXml("AccessDenied", "no") };
        return { status: 403 };
      },
      { transport },
    );
    await expect(s3.bucket("b").region()).rejects.toMatchObject({
      name: "AccessDeniedError",
      operation: "GetBucketLocation",
    });
  });

  it("exists() retries a 503, and a garbled GetBucketLocation answer is an S3Error", async () => {
    const { server, s3 } = await fakes.serve(
      (request, index) => {
        if (isLocation(request)) return { status: 200, body: "<LocationConstraint>never closed" };
        return index === 0 ? { status: 503 } : { status: 200 };
      },
      { transport },
    );
    expect(await s3.bucket("b").exists()).toBe(true);
    expect(server.requests).toHaveLength(2);
    const error = await s3
      .bucket("b")
      .region()
      .catch((e: unknown) => e);
    expect(isS3Error(error)).toBe(true);
  });

  it("region() of a missing bucket is BucketNotFoundError", async () => {
    const { s3 } = await fakes.serve(
      () => ({
        status: 404,
        body: errorXml("NoSuchBucket", "The specified bucket does not exist"),
      }),
      { transport },
    );
    await expect(s3.bucket("b").region()).rejects.toThrow(BucketNotFoundError);
  });
});
