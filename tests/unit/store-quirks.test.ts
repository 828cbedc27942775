import { describe, expect, it } from "vitest";
import { AccessDeniedError, Bucket, type S3Error, S3OperationError } from "../../src/index.js";
import { errorXml, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { operationOf } from "../helpers/s3-wire.js";
import {
  type VersionedBucket,
  type VersionQuirks,
  versionedBucket,
} from "../helpers/versioned-bucket.js";

// Issue 12: legitimate behaviour of some stores that s3kit must cope with, on the wire (both
// request paths: the unit-sdk project runs this file with S3KIT_TRANSPORT=sdk).

const fakes = useFakeS3();

/** `count` plain keys, "key-0000" on. */
const keys = (count: number, label = "key") =>
  Array.from({ length: count }, (_, i) => `${label}-${String(i).padStart(4, "0")}`);

/** A fake server playing `bucket`, with `override` answering first where it says. */
async function serveBucket(
  bucket: VersionedBucket,
  override: (request: SeenRequest) => ReturnType<VersionedBucket["reply"]> = () => undefined,
) {
  return fakes.serve(
    (request) =>
      override(request) ??
      bucket.reply(request) ?? {
        status: 400,
        body: errorXml("Unscripted", `the test does not script ${operationOf(request)}`),
      },
  );
}

const operations = (requests: SeenRequest[]) => requests.map(operationOf);

async function rejection(promise: Promise<unknown>): Promise<S3Error> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: S3Error) => error,
  );
}

/** A bucket with `quirks` holding 1,500 versions and delete markers over 1,000 keys. */
function bigBucket(quirks: VersionQuirks): VersionedBucket {
  const bucket = versionedBucket(quirks);
  for (const key of keys(1000)) bucket.put(key);
  for (const key of keys(500)) bucket.put(key, true);
  return bucket;
}

describe("deleteBucket({ force }) on stores that list versions their own way", () => {
  it("moto: an empty page after a KeyMarker naming a deleted key does not end the sweep early", async () => {
    const bucket = bigBucket({ emptyPageAfterDeletedMarker: true });
    bucket.put("ctrl\u0001key"); // deleted alone: DeleteObjects cannot carry it
    const { server, s3 } = await serveBucket(bucket);
    await s3.deleteBucket("b", { force: true });
    expect(bucket.versions()).toEqual([]);
    expect(operations(server.requests).filter((op) => op === "DeleteBucket")).toHaveLength(1);
    // Each listing after a deleted page starts from the first version again.
    const listings = server.requests.filter((r) => operationOf(r) === "ListObjectVersions");
    expect(listings.length).toBeGreaterThan(2);
    expect(listings.every((r) => !r.url.includes("key-marker"))).toBe(true);
  });

  it("SeaweedFS: a key listed as U+FFFD (EncodingType=url ignored) is named as left, DeleteBucket never sent", async () => {
    const bucket = bigBucket({ ignoreEncodingType: true });
    bucket.put("ctrl\u0001key");
    bucket.put("ctrl\u0001key");
    const { server, s3 } = await serveBucket(bucket);
    const error = await rejection(s3.deleteBucket("b", { force: true }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "BucketNotEmpty", bucket: "b", operation: "deleteBucket" });
    expect(error.message).toContain(JSON.stringify("ctrl\uFFFDkey"));
    expect(error.message).toContain("NotDeleted");
    expect(error.message).toMatch(/^deleteBucket s3:\/\/b: 2 versions/);
    // Everything else is gone; the two versions of the key the store cannot spell are left.
    expect(bucket.versions().map((v) => v.key)).toEqual(["ctrl\u0001key", "ctrl\u0001key"]);
    expect(operations(server.requests)).not.toContain("DeleteBucket");
  });

  it("a listed key that does not decode is named as left and never sent in a delete", async () => {
    const bucket = versionedBucket({
      encodeKey: (key) => (key === "bad" ? "bad%E0%A4%A" : encodeURIComponent(key)),
    });
    for (const key of ["a", "bad", "z"]) bucket.put(key);
    const { server, s3 } = await serveBucket(bucket);
    const error = await rejection(s3.deleteBucket("b", { force: true }));
    expect(error).toMatchObject({ code: "BucketNotEmpty" });
    expect(error.message).toContain(`"bad%E0%A4%A" (version v2): InvalidKeyEncoding`);
    expect(bucket.versions().map((v) => v.key)).toEqual(["bad"]);
    const deletes = server.requests.filter((r) => operationOf(r) === "DeleteObjects");
    expect(deletes.some((r) => r.body.includes("bad"))).toBe(false);
  });

  it("more than a page of versions that cannot be deleted: the sweep moves past them, the error names 10 and counts the rest", async () => {
    const denied = new Set(keys(1001, "locked"));
    const bucket = versionedBucket({ deny: denied, emptyPageAfterDeletedMarker: true });
    for (const key of [...keys(300, "a"), ...denied, ...keys(300, "z")]) bucket.put(key);
    const { server, s3 } = await serveBucket(bucket);
    const error = await rejection(s3.deleteBucket("b", { force: true }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error.code).toBe("BucketNotEmpty");
    expect(error.message).toContain("1001 versions or objects could not be deleted");
    expect(error.message).toContain(`"locked-0000" (version v301): AccessDenied`);
    expect(error.message).toContain("; 991 more");
    expect(bucket.versions().map((v) => v.key)).toEqual([...denied]);
    expect(operations(server.requests)).not.toContain("DeleteBucket");
  });

  it("S3's own listing: one ListObjectVersions and one DeleteObjects a page, then one that finds nothing left", async () => {
    const bucket = bigBucket({});
    const { server, s3 } = await serveBucket(bucket);
    await s3.deleteBucket("b", { force: true });
    expect(bucket.versions()).toEqual([]);
    const counts = operations(server.requests);
    // 1,500 entries: two pages deleted, one listing that finds nothing left.
    expect(counts.filter((op) => op === "ListObjectVersions")).toHaveLength(3);
    expect(counts.filter((op) => op === "DeleteObjects")).toHaveLength(2);
  });
});

describe("deleteBucket({ force }) on stores without ListMultipartUploads or ListObjectVersions", () => {
  it("no ListMultipartUploads (501): the versions are deleted all the same", async () => {
    const bucket = bigBucket({ noUploads: true });
    const { server, s3 } = await serveBucket(bucket);
    await s3.deleteBucket("b", { force: true });
    expect(bucket.versions()).toEqual([]);
    expect(operations(server.requests)).toContain("DeleteBucket");
  });

  it("no ListObjectVersions (405) nor ListMultipartUploads (501): a plain listing and DeleteObjects empty it", async () => {
    const bucket = versionedBucket({ noVersions: true, noUploads: true });
    for (const key of keys(1500)) bucket.put(key);
    const { server, s3 } = await serveBucket(bucket);
    await s3.deleteBucket("b", { force: true });
    expect(bucket.versions()).toEqual([]);
    const seen = operations(server.requests);
    expect(seen.filter((op) => op === "DeleteObjects")).toHaveLength(2);
    expect(seen.at(-1)).toBe("DeleteBucket");
  });

  it("other failures of the listings still stop it, before any delete", async () => {
    const bucket = bigBucket({});
    const { server, s3 } = await serveBucket(bucket, (request) =>
      operationOf(request) === "ListObjectVersions"
        ? { status: 403, body: errorXml("AccessDenied", "not yours") }
        : undefined,
    );
    const error = await rejection(s3.deleteBucket("b", { force: true }));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.operation).toBe("ListObjectVersions");
    expect(operations(server.requests)).not.toContain("DeleteObjects");
    expect(operations(server.requests)).not.toContain("DeleteBucket");
  });
});

describe("createBucket of one's own bucket on a store that answers BucketAlreadyExists", () => {
  const alreadyExists = {
    status: 409,
    body: errorXml("BucketAlreadyExists", "The requested bucket name is not available"),
  };

  it("a HeadBucket answering 200 makes it an idempotent success", async () => {
    const { server, s3 } = await fakes.serve((request) =>
      operationOf(request) === "CreateBucket" ? alreadyExists : { status: 200 },
    );
    const bucket = await s3.createBucket("mine");
    expect(bucket).toBeInstanceOf(Bucket);
    expect(bucket.name).toBe("mine");
    expect(operations(server.requests)).toEqual(["CreateBucket", "HeadBucket"]);
  });

  it("a HeadBucket answering 403 (someone else's) leaves BucketAlreadyExists standing", async () => {
    const { server, s3 } = await fakes.serve((request) =>
      operationOf(request) === "CreateBucket" ? alreadyExists : { status: 403 },
    );
    const error = await rejection(s3.createBucket("theirs"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "BucketAlreadyExists", status: 409 });
    expect(operations(server.requests)).toEqual(["CreateBucket", "HeadBucket"]);
  });
});

describe("setTags(key, {}) on a store without DeleteObjectTagging", () => {
  /** The tagging requests a server saw, as "METHOD body". */
  const tagging = (requests: SeenRequest[]) =>
    requests.filter((r) => r.url.includes("tagging")).map((r) => `${r.method} ${r.body}`);

  it.each([501, 405])("a %i puts an empty tag set instead", async (status) => {
    const { server, s3 } = await fakes.serve((request) =>
      request.method === "DELETE"
        ? { status, body: errorXml(status === 501 ? "NotImplemented" : "MethodNotAllowed", "no") }
        : { status: 200 },
    );
    await s3.bucket("b").setTags("k", {});
    const [remove, put] = tagging(server.requests);
    expect(remove).toBe("DELETE ");
    expect(put).toMatch(/^PUT .*<TagSet\s*(\/>|><\/TagSet>)/);
    expect(put).not.toContain("<Tag>");
    expect(server.requests).toHaveLength(2);
  });

  it("any other failure of DeleteObjectTagging is thrown, nothing put", async () => {
    const { server, s3 } = await fakes.serve(() => ({
      status: 403,
      body: errorXml("AccessDenied", "no"),
    }));
    await expect(s3.bucket("b").setTags("k", {})).rejects.toBeInstanceOf(AccessDeniedError);
    expect(server.requests.map((r) => r.method)).toEqual(["DELETE"]);
  });
});
