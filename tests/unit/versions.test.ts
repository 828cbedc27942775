import { describe, expect, it } from "vitest";
import {
  ObjectNotFoundError,
  PreconditionFailedError,
  type S3Error,
  S3OperationError,
  ValidationError,
  type VersionSummary,
} from "../../src/index.js";
import { errorXml, objectAnswer, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { operationOf, xmlReply } from "../helpers/s3-wire.js";
import {
  type VersionedBucket,
  type VersionQuirks,
  versionedBucket,
} from "../helpers/versioned-bucket.js";

// Versions on the wire, against stores that misbehave (MinIO behaves: see
// tests/integration/versions.test.ts). The unit-sdk project runs this file on the SDK's path.

const fakes = useFakeS3();

type Reply = ReturnType<VersionedBucket["reply"]>;

/** A fake server playing `bucket`, with `override` answering first where it says. */
async function serveBucket(
  bucket: VersionedBucket,
  override: (r: SeenRequest) => Reply = () => undefined,
) {
  const { server, s3 } = await fakes.serve(
    (request) =>
      override(request) ??
      bucket.reply(request) ?? {
        status: 400,
        body: errorXml("Unscripted", `the test does not script ${operationOf(request)}`),
      },
  );
  return { server, bucket: s3.bucket("b") };
}

async function collect(versions: AsyncIterable<VersionSummary>): Promise<VersionSummary[]> {
  const found: VersionSummary[] = [];
  for await (const version of versions) found.push(version);
  return found;
}

async function rejection(promise: Promise<unknown>): Promise<S3Error> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: S3Error) => error,
  );
}

const operations = (requests: SeenRequest[]) => requests.map(operationOf);
const query = (request: SeenRequest | undefined) =>
  new URL(request?.url ?? "/", "http://fake").searchParams;

/** A bucket holding "a" (v1, v2, delete marker v3), "a/b" (v4) and "ab" (v5), with quirks. */
function history(quirks: VersionQuirks = {}): VersionedBucket {
  const bucket = versionedBucket(quirks);
  bucket.put("a");
  bucket.put("a");
  bucket.put("a", true);
  bucket.put("a/b");
  bucket.put("ab");
  return bucket;
}

const shape = (versions: VersionSummary[]) =>
  versions.map((v) => [v.key, v.versionId, v.isDeleteMarker, v.isLatest]);

describe("versions", () => {
  it("merges a page's versions and delete markers: keys in order, each key's newest first", async () => {
    const { server, bucket } = await serveBucket(history());
    expect(shape(await collect(bucket.versions()))).toEqual([
      ["a", "v3", true, true],
      ["a", "v2", false, false],
      ["a", "v1", false, false],
      ["a/b", "v4", false, true],
      ["ab", "v5", false, true],
    ]);
    expect(query(server.requests[0]).get("encoding-type")).toBe("url");
  });

  it("a store listing each key's versions oldest first: still yielded newest first", async () => {
    const { bucket } = await serveBucket(history({ oldestFirst: true }));
    const listed = await collect(bucket.versions());
    expect(listed.slice(0, 3).map((v) => v.versionId)).toEqual(["v3", "v2", "v1"]);
  });

  it("pages of pageSize, a limit, startAfter and a prefix scope", async () => {
    const { server, bucket } = await serveBucket(history());
    expect((await collect(bucket.versions({ pageSize: 2 }))).map((v) => v.versionId)).toEqual([
      "v3",
      "v2",
      "v1",
      "v4",
      "v5",
    ]);
    expect(server.requests.map((r) => query(r).get("max-keys"))).toEqual(["2", "2", "2"]);
    server.requests.length = 0;
    expect(await collect(bucket.versions({ limit: 2, pageSize: 5 }))).toHaveLength(2);
    expect(query(server.requests[0]).get("max-keys")).toBe("2");
    const after = await collect(bucket.versions({ startAfter: "a/b" }));
    expect(after.map((v) => v.key)).toEqual(["ab"]);
    const scoped = await collect(bucket.prefix("a").versions());
    expect(scoped.map((v) => [v.key, v.name])).toEqual([["a/b", "b"]]);
  });

  it("versions({ startAfter }) never yields that key, on a store that lists the marker's key again (moto)", async () => {
    const { server, bucket } = await serveBucket(history({ keyMarkerInclusive: true }));
    const after = await collect(bucket.versions({ startAfter: "a" }));
    expect(query(server.requests[0]).get("key-marker")).toBe("a");
    expect(after.map((v) => v.key)).toEqual(["a/b", "ab"]);
  });

  it("versions({ key }) yields that key only and stops past it, even where Prefix is ignored", async () => {
    for (const quirks of [{}, { ignorePrefix: true }]) {
      const bucket = history(quirks);
      bucket.put("b");
      const { server, bucket: b } = await serveBucket(bucket);
      const listed = await collect(b.versions({ key: "a", pageSize: 1 }));
      expect(listed.map((v) => v.versionId)).toEqual(["v3", "v2", "v1"]);
      expect(query(server.requests[0]).get("prefix")).toBe("a");
      // Stopped at the first entry past "a": "b" was never asked for.
      expect(server.requests).toHaveLength(4);
    }
  });

  it("a page that repeats an earlier one ends the listing (PaginationStalled)", async () => {
    const bucket = history();
    // Every page is the first one again, whatever markers the request names.
    const { bucket: b } = await serveBucket(bucket, (request) =>
      operationOf(request) === "ListObjectVersions"
        ? bucket.reply({ ...request, url: "/b?versions&max-keys=2&encoding-type=url" })
        : undefined,
    );
    const error = await rejection(collect(b.versions({ pageSize: 2 })));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error.code).toBe("PaginationStalled");
  });

  it("a store without ListObjectVersions (501): versions() and restore() fail as S3OperationError", async () => {
    const { bucket } = await serveBucket(history(), (request) =>
      operationOf(request) === "ListObjectVersions"
        ? { status: 501, body: errorXml("NotImplemented", "no versions here") }
        : undefined,
    );
    for (const call of [() => collect(bucket.versions()), () => bucket.restore("a")]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(S3OperationError);
      expect(error).toMatchObject({ code: "NotImplemented", status: 501 });
    }
  });

  it("checks every option before any request", async () => {
    const { server, bucket } = await serveBucket(history());
    expect(() => bucket.versions({ key: "a", startAfter: "a" })).toThrow(ValidationError);
    expect(() => bucket.versions({ pageSize: 0 })).toThrow(ValidationError);
    expect(() => bucket.versions({ key: "" })).toThrow(ValidationError);
    for (const versionId of ["", "a\u0000b", "line\nbreak", 7 as unknown as string]) {
      const calls = [
        () => bucket.getText("k", { versionId }),
        () => bucket.head("k", { versionId }),
        () => bucket.exists("k", { versionId }),
        () => bucket.delete("k", { versionId }),
        () => bucket.getTags("k", { versionId }),
        () => bucket.setTags("k", {}, { versionId }),
        () => bucket.presign("k", { versionId }),
        () => bucket.respond("k", new Request("http://x/k"), { versionId }),
        () => bucket.restore("k", { versionId }),
        () => bucket.copy("k", "c", { sourceVersionId: versionId }),
      ];
      for (const call of calls) expect(await rejection(call())).toBeInstanceOf(ValidationError);
    }
    const moved = bucket.move("k", "c", { sourceVersionId: "v1" } as object);
    expect(await rejection(moved)).toBeInstanceOf(ValidationError);
    const many = bucket.copyMany([["k", "c"]], { sourceVersionId: "v1" } as object);
    expect(await rejection(many)).toBeInstanceOf(ValidationError);
    // @ts-expect-error: a string is no boolean
    expect(await rejection(bucket.setVersioning("Enabled"))).toBeInstanceOf(ValidationError);
    expect(server.requests).toEqual([]);
  });
});

describe("versions: reads pinned to a version", () => {
  const data = Buffer.from("the latest bytes\n");

  it("head, exists, open, lines and respond refuse an answer about another version", async () => {
    // A store that ignores ?versionId= and answers with its latest object.
    const { server, bucket } = await serveBucket(versionedBucket(), (request) =>
      objectAnswer(request, data, { etag: '"latest"', "x-amz-version-id": "v9" }),
    );
    const versionId = "v1";
    const lines = async () => {
      for await (const _ of bucket.lines("k", { versionId })) {
      }
    };
    for (const read of [
      () => bucket.head("k", { versionId }),
      () => bucket.exists("k", { versionId }),
      () => bucket.open("k", { versionId }),
      lines,
    ]) {
      const error = await rejection(read());
      expect(error).toBeInstanceOf(PreconditionFailedError);
      expect(error.message).toContain("v9");
    }
    const served = await bucket.respond("k", new Request("http://x/k"), { versionId });
    expect(served.status).toBe(412);
    const head = await bucket.respond("k", new Request("http://x/k", { method: "HEAD" }), {
      versionId,
    });
    expect(head.status).toBe(412);
    for (const request of server.requests) expect(query(request).get("versionId")).toBe("v1");
  });

  it("getTags refuses the tags of another version, takes an answer naming none", async () => {
    let named: string | undefined = "v9";
    const { bucket } = await serveBucket(versionedBucket(), () => ({
      status: 200,
      headers: named === undefined ? {} : ({ "x-amz-version-id": named } as Record<string, string>),
      body: "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>",
    }));
    const error = await rejection(bucket.getTags("k", { versionId: "v1" }));
    expect(error).toBeInstanceOf(PreconditionFailedError);
    named = "v1";
    expect(await bucket.getTags("k", { versionId: "v1" })).toEqual({ a: "1" });
    named = undefined;
    expect(await bucket.getTags("k", { versionId: "v1" })).toEqual({ a: "1" });
  });

  it("respond serves the version asked for", async () => {
    const { server, bucket } = await serveBucket(versionedBucket(), (request) =>
      objectAnswer(request, data, { etag: '"old"', "x-amz-version-id": "v1" }),
    );
    const served = await bucket.respond("k", new Request("http://x/k"), { versionId: "v1" });
    expect(await served.text()).toBe(data.toString());
    expect(query(server.requests[0]).get("versionId")).toBe("v1");
  });
});

describe("versions: copy and restore on the wire", () => {
  /** HEAD and CopyObject answers of a store holding version `id` of "a" with ETag `etag`. */
  const copying =
    (id: string, etag: string, copy: (r: SeenRequest) => Reply = () => undefined) =>
    (request: SeenRequest): Reply => {
      const op = operationOf(request);
      if (op === "HeadBucket") return { status: 200 };
      if (op === "HeadObject") {
        return query(request).get("versionId") === id
          ? objectAnswer(request, Buffer.from("x"), { etag, "x-amz-version-id": id })
          : { status: 404, headers: { "x-amz-error-code": "NoSuchVersion" } };
      }
      if (op !== "PutObject" || !("x-amz-copy-source" in request.headers)) return undefined;
      return copy(request) ?? xmlReply(`<CopyObjectResult><ETag>${etag}</ETag></CopyObjectResult>`);
    };

  it("copy({ sourceVersionId }) names the version in CopySource and pins its ETag", async () => {
    const { server, bucket } = await serveBucket(versionedBucket(), copying("v 1", '"e1"'));
    await bucket.copy("a", "c", { sourceVersionId: "v 1" });
    expect(operations(server.requests)).toEqual(["HeadObject", "PutObject"]);
    const copy = server.requests[1];
    expect(copy?.headers["x-amz-copy-source"]).toBe("b/a?versionId=v%201");
    expect(copy?.headers["x-amz-copy-source-if-match"]).toBe('"e1"');
    const missing = await rejection(bucket.copy("a", "c", { sourceVersionId: "v2" }));
    expect(missing).toBeInstanceOf(ObjectNotFoundError);
    expect(missing.message).toContain("version v2");
  });

  it("restore(key) removes the delete markers on top, each by its version id", async () => {
    const bucket = history();
    bucket.put("a", true); // a second marker, as S3 adds for a second delete
    const { server, bucket: b } = await serveBucket(bucket);
    const result = await b.restore("a");
    expect(result).toEqual({
      key: "a",
      name: "a",
      restored: "undeleted",
      versionId: "v2",
      deleteMarkers: ["v6", "v3"],
    });
    const deletes = server.requests.filter((r) => operationOf(r) === "DeleteObject");
    expect(deletes.map((r) => query(r).get("versionId"))).toEqual(["v6", "v3"]);
    expect(await b.restore("a")).toMatchObject({ restored: "already-current", deleteMarkers: [] });
  });

  it("restore(key) removes nothing when only delete markers are left", async () => {
    const bucket = versionedBucket();
    bucket.put("gone", true);
    const { server, bucket: b } = await serveBucket(bucket);
    expect(await rejection(b.restore("gone"))).toBeInstanceOf(ObjectNotFoundError);
    expect(await rejection(b.restore("never"))).toBeInstanceOf(ObjectNotFoundError);
    expect(operations(server.requests)).not.toContain("DeleteObject");
  });

  it("restore(key) fails when the store still lists a deleted marker as latest", async () => {
    const bucket = history();
    const { bucket: b } = await serveBucket(bucket, (request) =>
      operationOf(request) === "DeleteObject" ? { status: 204 } : undefined,
    );
    const error = await rejection(b.restore("a"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error.code).toBe("NotDeleted");
  });

  it("restore(key, { versionId }) copies over the listed latest only (If-Match, or If-None-Match over a marker)", async () => {
    const bucket = versionedBucket();
    bucket.put("a"); // v1, ETag "e" in the listing
    bucket.put("a"); // v2
    const { server, bucket: b } = await serveBucket(bucket, copying("v1", '"e1"'));
    expect(await b.restore("a", { versionId: "v1" })).toMatchObject({ restored: "copied" });
    const copy = server.requests.find((r) => "x-amz-copy-source" in r.headers);
    expect(copy?.headers["x-amz-copy-source"]).toBe("b/a?versionId=v1");
    expect(copy?.headers["if-match"]).toBe('"e"');
    expect(await b.restore("a", { versionId: "v2" })).toMatchObject({
      restored: "already-current",
      versionId: "v2",
    });
    bucket.put("a", true); // v3, a delete marker on top
    server.requests.length = 0;
    await b.restore("a", { versionId: "v1" });
    const over = server.requests.find((r) => "x-amz-copy-source" in r.headers);
    expect(over?.headers["if-none-match"]).toBe("*");
  });

  it("restore(key, { versionId }) is PreconditionFailedError when a version appeared meanwhile", async () => {
    const bucket = versionedBucket();
    bucket.put("a");
    bucket.put("a");
    const refuse = () => ({ status: 412, body: errorXml("PreconditionFailed", "changed") });
    const { bucket: b } = await serveBucket(bucket, copying("v1", '"e1"', refuse));
    expect(await rejection(b.restore("a", { versionId: "v1" }))).toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it("restore(key, { versionId }) of a delete marker (HEAD 405) is ObjectNotFoundError", async () => {
    const bucket = history();
    bucket.put("a"); // v6 on top of the marker v3
    const { bucket: b } = await serveBucket(bucket, (request) =>
      operationOf(request) === "HeadObject"
        ? { status: 405, headers: { "x-amz-delete-marker": "true" } }
        : undefined,
    );
    const error = await rejection(b.restore("a", { versionId: "v3" }));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error.message).toContain("delete marker");
  });
});

describe("versions: bucket versioning", () => {
  it("setVersioning sends Enabled or Suspended; versioning() reads the three states", async () => {
    const states = ["<Status>Enabled</Status>", "<Status>Suspended</Status>", ""];
    let read = 0;
    const { server, s3 } = await fakes.serve((request) =>
      request.method === "PUT"
        ? { status: 200 }
        : xmlReply(`<VersioningConfiguration>${states[read++]}</VersioningConfiguration>`),
    );
    const bucket = s3.bucket("b");
    await bucket.setVersioning(true);
    await bucket.setVersioning(false);
    expect(server.requests[0]?.body).toContain("<Status>Enabled</Status>");
    expect(server.requests[1]?.body).toContain("<Status>Suspended</Status>");
    expect(server.requests[0]?.url).toContain("versioning");
    expect([
      await bucket.versioning(),
      await bucket.versioning(),
      await bucket.versioning(),
    ]).toEqual(["enabled", "suspended", "off"]);
  });
});
