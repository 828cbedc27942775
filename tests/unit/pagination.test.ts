import { describe, expect, it } from "vitest";
import { type S3, S3Error, S3OperationError } from "../../src/index.js";
import { MAX_EMPTY_PAGES, REMEMBERED_PAGES, RecentSet } from "../../src/listing/paginate.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { useTempDir } from "../helpers/files.js";
import {
  type BucketQuirks,
  bucketModel,
  deletedKeysOf,
  deleteResultXml,
  objectsPageXml,
  operationOf,
  xmlReply,
} from "../helpers/s3-wire.js";

// Stores that repeat a page: each listing must notice that its position does not advance and
// fail, instead of asking for the same page forever. The fake store gives up after LIMIT
// listing requests (a 400 the SDK does not retry), so a missing guard fails the test rather
// than hanging it.

const fakes = useFakeS3();
const LIMIT = 20;

const emptyUploads = xmlReply(
  "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
);
const emptyObjects = xmlReply(
  "<ListBucketResult><Name>b</Name><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>",
);
const repeatedVersions = xmlReply(
  "<ListVersionsResult><Name>b</Name><IsTruncated>true</IsTruncated><NextKeyMarker>a</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker><Version><Key>a</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest><Size>1</Size></Version></ListVersionsResult>",
);
const repeatedUploads = xmlReply(
  "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated><NextKeyMarker>a</NextKeyMarker><NextUploadIdMarker>u1</NextUploadIdMarker><Upload><Key>a</Key><UploadId>u1</UploadId><Initiated>2020-01-01T00:00:00.000Z</Initiated></Upload></ListMultipartUploadsResult>",
);
const repeatedObjects = xmlReply(
  "<ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t1</NextContinuationToken><KeyCount>1</KeyCount><Contents><Key>a</Key><Size>1</Size></Contents></ListBucketResult>",
);

/** A listing's answer: always the same, or made for each request. */
type Answer = FakeReply | ((request: SeenRequest) => FakeReply);

/** A store answering each listing from `pages`, and anything else with an empty success. */
function store(pages: Record<string, Answer>) {
  const listings: SeenRequest[] = [];
  const reply = (request: SeenRequest): FakeReply => {
    const operation = operationOf(request);
    const page = pages[operation];
    if (page === undefined) {
      if (operation === "DeleteObjects") return deleteResultXml();
      return { status: 204 };
    }
    listings.push(request);
    if (listings.length > LIMIT)
      return { status: 400, body: errorXml("InvalidArgument", "enough") };
    return typeof page === "function" ? page(request) : page;
  };
  return { reply, listings };
}

describe("one pagination guard for every listing", () => {
  it("hardening 17: deleteBucket({ force }) fails with an S3Error when ListObjectVersions repeats a page", async () => {
    const { reply, listings } = store({
      ListMultipartUploads: emptyUploads,
      ListObjectsV2: emptyObjects,
      ListObjectVersions: repeatedVersions,
    });
    const { s3 } = await fakes.serve(reply, { maxRetries: 0 });
    const error = await rejection(s3.deleteBucket("b", { force: true }));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "PaginationStalled",
      operation: "ListObjectVersions",
      bucket: "b",
      retryable: false,
    });
    // The first page; after its version was deleted, the first page again (listed from the
    // start, its version still there); then the one that repeated it: nothing more.
    const versionListings = listings.filter((r) => operationOf(r) === "ListObjectVersions");
    const keyMarkers = versionListings.map((r) =>
      new URL(r.url, "http://x").searchParams.get("key-marker"),
    );
    expect(keyMarkers).toEqual([null, null, "a"]);
  });

  it.each([
    ["ListObjectsV2 (list)", { ListObjectsV2: repeatedObjects }],
    ["ListMultipartUploads (abortUploads)", { ListMultipartUploads: repeatedUploads }],
  ] as const)(
    "hardening 17: %s stops with PaginationStalled on a repeated page",
    async (_label, pages) => {
      const { reply, listings } = store(pages);
      const { s3 } = await fakes.serve(reply, { maxRetries: 0 });
      const bucket = s3.bucket("b");
      const call = "ListObjectsV2" in pages ? bucket.list() : bucket.abortUploads();
      const error = await rejection(call);
      expect(error).toBeInstanceOf(S3Error);
      expect(error).toMatchObject({ code: "PaginationStalled", bucket: "b" });
      expect(listings).toHaveLength(2);
    },
  );
});

const tokenOf = (request: SeenRequest) =>
  new URL(request.url, "http://x").searchParams.get("continuation-token");
const dir = useTempDir("pagination");

/** A store whose ListObjectsV2 hands out a fresh token per page but always lists "a". */
function freshTokensSameKeys() {
  let pages = 0;
  return () => objectsPageXml(["a"], `t${++pages}`);
}

describe("a listing that does not advance ends, whatever its tokens look like", () => {
  it("hardening 17: page tokens cycling A → B → A fail list() after three requests", async () => {
    const { reply, listings } = store({
      ListObjectsV2: (request) =>
        tokenOf(request) === "A" ? objectsPageXml(["b"], "B") : objectsPageXml(["a"], "A"),
    });
    const { s3 } = await fakes.serve(reply, { maxRetries: 0 });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const object of s3.bucket("b")) seen.push(object.key);
      })(),
    );
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    // Both pages were new; the token that came back is never asked for a second time.
    expect(seen).toEqual(["a", "b"]);
    expect(listings.map(tokenOf)).toEqual([null, "A", "B"]);
  });

  const everyListingOfKeys: Array<[string, (s3: S3, path: string) => Promise<unknown>]> = [
    ["list()", (s3) => s3.bucket("b").list()],
    ["deleteAll()", (s3) => s3.bucket("b").deleteAll()],
    ["downloadDir()", (s3, path) => s3.bucket("b").downloadDir(path)],
    ["deleteBucket({ force })", (s3) => s3.deleteBucket("b", { force: true })],
  ];
  it.each(everyListingOfKeys)(
    "hardening 17: fresh tokens over the same keys fail %s with PaginationStalled",
    async (_label, call) => {
      const { reply } = store({
        ListMultipartUploads: emptyUploads,
        ListObjectsV2: freshTokensSameKeys(),
      });
      const { server, s3 } = await fakes.serve(reply, { maxRetries: 0 });
      const error = await rejection(call(s3, dir.path));
      expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
      // deleteAll lists once more in step after deleting "a" (see below); then it stalls too.
      const listings = server.requests.filter((r) => operationOf(r) === "ListObjectsV2");
      expect(listings.length).toBeLessThanOrEqual(4);
    },
  );

  it("hardening 17: ListMultipartUploads markers cycling a → b → a fail abortUploads()", async () => {
    const uploadsPage = (marker: string) =>
      xmlReply(
        `<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated><NextKeyMarker>${marker}</NextKeyMarker><NextUploadIdMarker>u-${marker}</NextUploadIdMarker></ListMultipartUploadsResult>`,
      );
    const { reply, listings } = store({
      ListMultipartUploads: (request) => {
        const marker = new URL(request.url, "http://x").searchParams.get("key-marker");
        return uploadsPage(marker === "a" ? "b" : "a");
      },
    });
    const { s3 } = await fakes.serve(reply, { maxRetries: 0 });
    const error = await rejection(s3.bucket("b").abortUploads());
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListMultipartUploads" });
    expect(listings).toHaveLength(3);
  });

  it("hardening 17: listBuckets() follows ContinuationToken, and fails on a repeated page", async () => {
    const buckets = (name: string, token?: string) =>
      xmlReply(
        `<ListAllMyBucketsResult><Buckets><Bucket><Name>${name}</Name><CreationDate>2020-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>${token ? `<ContinuationToken>${token}</ContinuationToken>` : ""}</ListAllMyBucketsResult>`,
      );
    const paged = await fakes.serve((request) =>
      tokenOf(request) === "t1" ? buckets("b2") : buckets("b1", "t1"),
    );
    expect((await paged.s3.listBuckets()).map((bucket) => bucket.name)).toEqual(["b1", "b2"]);

    const { reply, listings } = store({ ListBuckets: buckets("b1", "same") });
    const { s3 } = await fakes.serve(reply, { maxRetries: 0 });
    const error = await rejection(s3.listBuckets());
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListBuckets" });
    expect(listings).toHaveLength(2);
  });

  it("hardening 17: deleteAll on a store ignoring the token while every delete is denied ends at once", async () => {
    const { reply } = store({
      ListObjectsV2: freshTokensSameKeys(),
      DeleteObjects: deleteResultXml([{ key: "a", code: "AccessDenied" }]),
    });
    const { server, s3 } = await fakes.serve(reply, { maxRetries: 0 });
    const error = await rejection(s3.bucket("b").deleteAll());
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    // Two listings and the one denied delete: nothing is sent over and over.
    expect(server.requests.map(operationOf)).toEqual([
      "ListObjectsV2",
      "ListObjectsV2",
      "DeleteObjects",
    ]);
  });

  it("hardening 17: deleteAll still empties a store that ignores the token, each key deleted once", async () => {
    const keys = new Set(Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(4, "0")}`));
    let pages = 0;
    const { server, s3 } = await fakes.serve((request) => {
      const operation = operationOf(request);
      if (operation === "DeleteObjects") {
        for (const key of deletedKeysOf(request)) keys.delete(key);
        return deleteResultXml();
      }
      if (operation !== "ListObjectsV2" || pages >= LIMIT) return { status: 400 };
      // Always the first 1000 keys still there, whatever the token says.
      const first = [...keys].sort().slice(0, 1000);
      return objectsPageXml(first, keys.size > first.length ? `t${++pages}` : undefined);
    });
    const result = await s3.bucket("b").deleteAll();
    expect(result.ok).toBe(true);
    expect(keys.size).toBe(0);
    expect(result.deleted).toHaveLength(2500);
    expect(new Set(result.deleted).size).toBe(2500);
    expect(server.requests.filter((r) => operationOf(r) === "DeleteObjects")).toHaveLength(3);
  });
});

describe("a page that does not say whether it is truncated", () => {
  it("hardening 17: without IsTruncated, a named next page is listed, as the SDK's paginators do", async () => {
    const { s3, server } = await fakes.serve((request) =>
      tokenOf(request) === "t2"
        ? xmlReply(
            "<ListBucketResult><KeyCount>1</KeyCount><Contents><Key>b</Key></Contents></ListBucketResult>",
          )
        : xmlReply(
            "<ListBucketResult><NextContinuationToken>t2</NextContinuationToken><KeyCount>1</KeyCount><Contents><Key>a</Key></Contents></ListBucketResult>",
          ),
    );
    expect((await s3.bucket("b").list()).map((object) => object.key)).toEqual(["a", "b"]);
    expect(server.requests).toHaveLength(2);
  });

  it("an explicit IsTruncated false ends the listing, whatever token comes with it", async () => {
    const { s3, server } = await fakes.serve(() =>
      xmlReply(
        "<ListBucketResult><IsTruncated>false</IsTruncated><NextContinuationToken>t2</NextContinuationToken><Contents><Key>a</Key></Contents></ListBucketResult>",
      ),
    );
    expect((await s3.bucket("b").list()).map((object) => object.key)).toEqual(["a"]);
    expect(server.requests).toHaveLength(1);
  });
});

/** An S3 (no retries) on a bucket holding `keys` with `quirks` (see `bucketModel`). */
async function serveBucket(keys: Set<string>, quirks: BucketQuirks) {
  const model = bucketModel(keys, quirks);
  return fakes.serve((request) => model(request) ?? { status: 204 }, { maxRetries: 0 });
}

describe("stores that repeat a folder or bring nothing new", () => {
  // Folders a/, c/ and e/ of two keys each, between objects: pages of 1 or 3 entries end
  // inside a folder.
  const keys = ["a/1", "a/2", "b.txt", "c/1", "c/2", "d.txt", "e/1", "e/2", "f.txt"].map(
    (key) => `folder/${key}`,
  );
  const folders = ["folder/a/", "folder/c/", "folder/e/"];
  const objects = ["folder/b.txt", "folder/d.txt", "folder/f.txt"];

  async function listings(quirks: BucketQuirks, pageSize: number) {
    const { s3 } = await serveBucket(new Set(keys), quirks);
    const folder = s3.bucket("b").prefix("folder");
    const paths: string[] = [];
    for await (const sub of folder.folders({ pageSize })) paths.push(sub.path);
    const names: string[] = [];
    for await (const object of folder.iterList({ recursive: false, pageSize })) {
      names.push(object.key);
    }
    return { folders: paths, objects: names };
  }

  it.each([1, 3])(
    "hardening 17: a folder repeated at the top of the next page (LocalStack, versitygw) is listed once, pageSize %i",
    async (pageSize) => {
      expect(await listings({ repeatPrefixes: true }, pageSize)).toEqual({ folders, objects });
    },
  );

  it("the same listings on a store that does not repeat folders", async () => {
    expect(await listings({}, 1)).toEqual({ folders, objects });
  });

  /** Truncated ListObjectsV2 pages with a fresh token each, made by `page`; 400 after 150. */
  function endlessPages(page: (token: string) => string) {
    let pages = 0;
    return () =>
      ++pages > MAX_EMPTY_PAGES + 50
        ? { status: 400, body: errorXml("InvalidArgument", "enough") }
        : xmlReply(
            `<ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t${pages}</NextContinuationToken>${page(`t${pages}`)}</ListBucketResult>`,
          );
  }

  it("hardening 17: empty truncated pages with ever-new tokens end list() after MAX_EMPTY_PAGES (10,000) in a row", async () => {
    const { s3, server } = await fakes.serve(
      endlessPages(() => "<KeyCount>0</KeyCount>"),
      { maxRetries: 0 },
    );
    const error = await rejection(s3.bucket("b").list());
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    expect(server.requests).toHaveLength(MAX_EMPTY_PAGES);
  }, 60_000);

  it("hardening 17: one folder repeated on every page with ever-new tokens is yielded once, then the listing stalls", async () => {
    const { s3, server } = await fakes.serve(
      endlessPages(() => "<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>"),
      { maxRetries: 0 },
    );
    const folders: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const folder of s3.bucket("b").folders()) folders.push(folder.path);
      })(),
    );
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    expect(folders).toEqual(["a/"]);
    // The page that brought "a/", then MAX_EMPTY_PAGES that brought it again.
    expect(server.requests).toHaveLength(MAX_EMPTY_PAGES + 1);
  }, 60_000);

  it("a few empty truncated pages in between are followed to the keys after them", async () => {
    let pages = 0;
    const { s3 } = await fakes.serve(() =>
      ++pages <= 3 ? objectsPageXml([], `t${pages}`) : objectsPageXml(["a", "b"]),
    );
    expect((await s3.bucket("b").list()).map((object) => object.key)).toEqual(["a", "b"]);
  });
});

describe("a store that ignores Prefix", () => {
  const keys = () =>
    new Set(["logs/a", "logs/b", "logs/2024/c", "logs-archive/x", "other/precious"]);

  it("hardening 17: deleteAll of a prefix deletes only that prefix's keys", async () => {
    const stored = keys();
    const { s3, server } = await serveBucket(stored, { ignorePrefix: true });
    const logs = s3.bucket("b").prefix("logs");
    expect((await logs.list()).map((object) => object.name)).toEqual(["2024/c", "a", "b"]);
    const result = await logs.deleteAll();
    expect(result.ok).toBe(true);
    expect(result.deleted.sort()).toEqual(["logs/2024/c", "logs/a", "logs/b"]);
    expect([...stored].sort()).toEqual(["logs-archive/x", "other/precious"]);
    // Nothing outside the prefix was even sent for deletion.
    const sent = server.requests
      .filter((request) => operationOf(request) === "DeleteObjects")
      .flatMap(deletedKeysOf);
    expect(sent.sort()).toEqual(["logs/2024/c", "logs/a", "logs/b"]);
  });

  it("hardening 17: folders() of a prefix never yields a folder outside it, nor the prefix itself", async () => {
    const { s3 } = await serveBucket(keys(), { ignorePrefix: true });
    const folders: string[] = [];
    for await (const folder of s3.bucket("b").prefix("logs").folders()) folders.push(folder.path);
    // The store grouped everything from the bucket's root: "logs/", "logs-archive/", "other/".
    expect(folders).toEqual([]);
  });
});

describe("deleteAll on a store that ignores the token, with a key it may not delete", () => {
  it("hardening 17: deletes every other key and reports that one, sent once", async () => {
    const stored = new Set(
      Array.from({ length: 3500 }, (_, i) => `k${String(i).padStart(4, "0")}`),
    );
    const { s3, server } = await serveBucket(stored, {
      ignoreToken: true,
      deny: new Set(["k0000"]),
    });
    const result = await s3.bucket("b").deleteAll();
    expect(result.ok).toBe(false);
    expect(result.failed).toMatchObject([{ key: "k0000", code: "AccessDenied" }]);
    expect(result.deleted).toHaveLength(3499);
    expect(new Set(result.deleted).size).toBe(3499);
    expect([...stored]).toEqual(["k0000"]);
    const sent = server.requests
      .filter((request) => operationOf(request) === "DeleteObjects")
      .flatMap(deletedKeysOf);
    expect(sent.filter((key) => key === "k0000")).toHaveLength(1);
  });

  it("hardening 17: more undeletable keys than a page stall the second pass: PaginationStalled, saying how far it got", async () => {
    const pad = (i: number) => String(i).padStart(4, "0");
    // 1,100 keys it may not delete, listed ahead of 2,000 it may.
    const denied = Array.from({ length: 1100 }, (_, i) => `d${pad(i)}`);
    const rest = Array.from({ length: 2000 }, (_, i) => `z${pad(i)}`);
    const stored = new Set([
      ...Array.from({ length: 100 }, (_, i) => `a${pad(i)}`),
      ...denied,
      ...rest,
    ]);
    const { s3 } = await serveBucket(stored, { ignoreToken: true, deny: new Set(denied) });
    const error = await rejection(s3.bucket("b").deleteAll());
    // A result would claim to account for every key, while the z… keys were never reached.
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "PaginationStalled", operation: "ListObjectsV2" });
    expect((error as Error).message).toMatch(
      /deleteAll deleted 100 keys and failed to delete \d+ before the listing stalled/,
    );
    expect(rest.filter((key) => stored.has(key))).toHaveLength(2000);
  });
});

describe("memory of a long listing", () => {
  it("remembers the positions and first items of the last REMEMBERED_PAGES pages only", () => {
    const recent = new RecentSet(REMEMBERED_PAGES);
    for (let page = 0; page < 3 * REMEMBERED_PAGES; page++) recent.add(`token-${page}`);
    expect(recent.has(`token-${3 * REMEMBERED_PAGES - 1}`)).toBe(true);
    expect(recent.has(`token-${2 * REMEMBERED_PAGES}`)).toBe(true);
    expect(recent.has(`token-${2 * REMEMBERED_PAGES - 1}`)).toBe(false);
    expect(recent.has("token-0")).toBe(false);
  });
});
