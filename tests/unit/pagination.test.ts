import { describe, expect, it } from "vitest";
import { S3Error, S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { errorXml, type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { deleteResultXml, operationOf, xmlReply } from "../helpers/s3-wire.js";

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

/** A store answering each listing from `pages`, and anything else with an empty success. */
function store(pages: Record<string, FakeReply>) {
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
    return page;
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
    // The first page and the one that repeated it: nothing more.
    const versionListings = listings.filter((r) => operationOf(r) === "ListObjectVersions");
    expect(versionListings).toHaveLength(2);
    expect(new URL(versionListings[1]?.url ?? "", "http://x").searchParams.get("key-marker")).toBe(
      "a",
    );
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
