import { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { S3 } from "../../src/index.js";
import {
  type FakeReply,
  fakeCredentials,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { HOSTILE_KEYS, signedAt } from "../helpers/lean-calls.js";
import { operationOf, xmlReply } from "../helpers/s3-wire.js";

// The lean path builds its requests itself. Whatever a caller asks, it must send what the
// SDK's path sends for the same call (the same method, path, query, body and the headers a
// store reads), signed so that a store recomputing the signature from what it received agrees.
// Each test makes the same calls with transport "sdk" and then "lean" against one fake store
// and compares the two runs request by request.

const fakes = useFakeS3();
const sha256 = new S3Client({ region: "us-east-1" }).config.sha256;

/** A hostile UploadId: every character a query value must escape. */
const UPLOAD_ID = "up+1/=&?#% é~";

/**
 * The operation of a request, from its path as sent: a URL would resolve the dot segments of
 * a key such as "a/.." and take it for the bucket.
 */
function operationOfRaw(request: SeenRequest): string {
  const [path = ""] = request.url.split("?");
  const onObject = path.split("/").filter(Boolean).length > 1;
  return onObject
    ? operationOf({ ...request, url: request.url.replace(/^[^?]*/, "/b/k") })
    : operationOf(request);
}

/** A store answering every request with success, as S3 would for an object "x". */
function store(request: SeenRequest): FakeReply {
  const query = new URL(request.url.replace(/^[^?]*/, "/"), "http://fake").searchParams;
  const operation = operationOfRaw(request);
  if (request.method === "GET" && query.has("tagging")) {
    return xmlReply("<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>");
  }
  if (operation === "CreateMultipartUpload") {
    return xmlReply(
      `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>${UPLOAD_ID.replace("&", "&amp;")}</UploadId></InitiateMultipartUploadResult>`,
    );
  }
  if (operation === "UploadPartCopy") {
    return xmlReply(`<CopyPartResult><ETag>"p${query.get("partNumber")}"</ETag></CopyPartResult>`);
  }
  if (operation === "CompleteMultipartUpload") {
    return xmlReply(
      '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"done-2"</ETag></CompleteMultipartUploadResult>',
    );
  }
  if (operation === "HeadObject") {
    return {
      status: 200,
      headers: {
        etag: '"e1"',
        "content-type": "text/x",
        expires: "Thu, 01 Dec 2044 16:00:00 GMT",
      },
      contentLength: 6 * 1024 * 1024,
    };
  }
  if (operation === "HeadBucket") return { status: 200 };
  if (operation === "GetObject") {
    const version = query.get("versionId");
    const headers = { etag: '"e1"', "content-type": "text/plain" };
    return {
      status: 200,
      headers: version ? { ...headers, "x-amz-version-id": version } : headers,
      body: "x",
    };
  }
  if (request.method === "DELETE") return { status: 204 };
  return { status: 200, headers: { etag: `"p${query.get("partNumber") ?? "e1"}"` } };
}

/** What the wire carries that differs by design between two clients and runs. */
const PER_CLIENT = new Set([
  "authorization",
  "x-amz-date",
  "amz-sdk-invocation-id",
  "user-agent",
  "x-amz-user-agent",
  "connection",
]);

/** A request as compared: the SDK's x-id (a routing hint of its own) left out of the query. */
function comparable(request: SeenRequest) {
  const [path, query = ""] = request.url.split("?");
  const params = query
    .split("&")
    .filter((part) => part !== "" && !part.startsWith("x-id="))
    .sort();
  const headers = Object.entries(request.headers)
    .filter(([name]) => !PER_CLIENT.has(name))
    .sort(([a], [b]) => a.localeCompare(b));
  return { method: request.method, path, params, headers, body: request.body };
}

/** Splits "a=b&c" into decoded pairs: "+" stays "+" (URLSearchParams would make it a space). */
function queryOf(query: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const part of query.split("&").filter(Boolean)) {
    const [name = "", value = ""] = part.split("=");
    pairs[decodeURIComponent(name)] = decodeURIComponent(value);
  }
  return pairs;
}

/**
 * Whether the request's SigV4 signature is the one a store computes from what it received
 * (the path exactly as sent, the query decoded and re-encoded, the signed headers' values).
 */
async function signatureHolds(request: SeenRequest): Promise<boolean> {
  const authorization = String(request.headers.authorization);
  const match =
    /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=(\w+)/.exec(
      authorization,
    );
  if (!match) return false;
  const [, region = "", service = "", signedHeaders = "", signature] = match;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(";")) headers[name] = String(request.headers[name]);
  const [path = "", query = ""] = request.url.split("?");
  const signingDate = new Date(signedAt(request));
  const signer = new SignatureV4({
    credentials: fakeCredentials,
    region,
    service,
    sha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: "x",
      path,
      query: queryOf(query),
      headers,
    },
    { signingDate },
  );
  return String(signed.headers.authorization).endsWith(`Signature=${signature}`);
}

/** The key a store reads from a path-style request path (bucket "b"). */
function keyOf(request: SeenRequest): string {
  const [path = ""] = request.url.split("?");
  return path.slice("/b/".length).split("/").map(decodeURIComponent).join("/");
}

/**
 * Runs `calls` with transport "sdk", then "lean", against one store (so Host is the same);
 * returns each run's requests.
 */
async function bothPaths(
  calls: (s3: S3) => Promise<void>,
  reply: (request: SeenRequest, index: number) => FakeReply = store,
  endpointPath = "",
  checksums: "when-supported" | "when-required" = "when-required",
): Promise<{ sdk: SeenRequest[]; lean: SeenRequest[] }> {
  const server = await fakes.start(reply);
  const runs: Record<string, SeenRequest[]> = {};
  for (const transport of ["sdk", "lean"] as const) {
    const s3 = new S3({
      endpoint: `${server.endpoint}${endpointPath}`,
      region: "us-east-1",
      credentials: fakeCredentials,
      transport,
      checksums,
    });
    const first = server.requests.length;
    try {
      await calls(s3);
    } finally {
      s3.close();
    }
    runs[transport] = server.requests.slice(first);
  }
  return { sdk: runs.sdk ?? [], lean: runs.lean ?? [] };
}

/** Expects both runs to be the same requests, each signed as a store checks it. */
async function expectSameRequests(runs: { sdk: SeenRequest[]; lean: SeenRequest[] }) {
  expect(runs.lean.length).toBeGreaterThan(0);
  expect(runs.lean.map(comparable)).toEqual(runs.sdk.map(comparable));
  for (const request of [...runs.sdk, ...runs.lean]) {
    expect(await signatureHolds(request), `${request.method} ${request.url}`).toBe(true);
  }
}

/** The hostile keys, and some only the fake store takes (S3 and MinIO refuse ".." alone). */
const KEYS = [...HOSTILE_KEYS, "..", "%41", "x//lead//", "\u0001ctl\u007f", "x".repeat(900)];

describe("keys go out literally, on both paths the same", () => {
  it.each(KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
    "key %s: put, getBytes, head, exists, tags, delete send the same requests",
    async (_label, key) => {
      const runs = await bothPaths(async (s3) => {
        const bucket = s3.bucket("b");
        await bucket.put(key, "hello", {
          metadata: { "My-Meta": "v  x", other: "2" },
          contentType: "text/x",
          ifNoneMatch: "*",
          tags: { team: "a b", "k+": "v/=" },
        });
        await bucket.getBytes(key, { range: { offset: 0, length: 1 }, ifMatch: '"e1"' });
        await bucket.head(key);
        await bucket.exists(key);
        await bucket.getTags(key);
        await bucket.setTags(key, { a: "b" });
        await bucket.setTags(key, {});
        await bucket.delete(key);
      });
      await expectSameRequests(runs);
      // The store reads back exactly the key asked for, on every request.
      for (const request of runs.lean) expect(keyOf(request)).toBe(key);
    },
  );
});

describe("options and members travel the same way on both paths", () => {
  it("every write option of put, and an empty body", async () => {
    const runs = await bothPaths(async (s3) => {
      const bucket = s3.bucket("b");
      await bucket.put("k", new Uint8Array([0, 1, 2, 255]), {
        contentType: "application/x-odd; charset=binary",
        cacheControl: "max-age=60, private",
        contentDisposition: 'attachment; filename="a b.txt"',
        contentEncoding: "gzip",
        contentLanguage: "en-US",
        storageClass: "STANDARD_IA",
        serverSideEncryption: "AES256",
        ifMatch: '"e1"',
        metadata: { a: "1", "B-Upper": "two words" },
      });
      await bucket.put("empty", "");
      await bucket.put("json", { a: [1, 2] });
    });
    await expectSameRequests(runs);
  });

  it("a versionId every character of which the query must escape", async () => {
    const versionId = "v+1/=&?#% é~null";
    const runs = await bothPaths(async (s3) => {
      const bucket = s3.bucket("b");
      await bucket.getBytes("k", { versionId });
      await bucket.getTags("k", { versionId });
      await bucket.setTags("k", { a: "b" }, { versionId });
    });
    await expectSameRequests(runs);
  });

  it("the conditions of open(): If-None-Match and If-Modified-Since", async () => {
    const since = new Date("2024-02-29T12:34:56Z");
    const runs = await bothPaths(async (s3) => {
      const opened = await s3
        .bucket("b")
        .open("k", { ifNoneMatch: '"zz"', ifModifiedSince: since });
      await opened.body?.cancel();
    });
    await expectSameRequests(runs);
  });

  it("upload parts with an UploadId every character of which the query must escape", async () => {
    const bytes = new Uint8Array(6 * 1024 * 1024).fill(7);
    const runs = await bothPaths(async (s3) => {
      await s3
        .bucket("b")
        .upload(bytes, "big/ü+.bin", { partSize: 5 * 1024 * 1024, concurrency: 1 });
    });
    await expectSameRequests(runs);
    const parts = runs.lean.filter((request) => operationOfRaw(request) === "UploadPart");
    expect(parts).toHaveLength(2);
    for (const part of parts)
      expect(queryOf(part.url.split("?")[1] ?? "").uploadId).toBe(UPLOAD_ID);
  });

  it("a multipart copy keeps the source's Expires, read by the lean path's HEAD", async () => {
    const runs = await bothPaths(async (s3) => {
      await s3.bucket("b").copy("src", "dest", {
        copyThreshold: 5 * 1024 * 1024,
        partSize: 5 * 1024 * 1024,
      });
    });
    const create = (requests: SeenRequest[]) =>
      requests.find((request) => operationOfRaw(request) === "CreateMultipartUpload");
    expect(create(runs.sdk)?.headers.expires).toBe("Thu, 01 Dec 2044 16:00:00 GMT");
    expect(create(runs.lean)?.headers.expires).toBe("Thu, 01 Dec 2044 16:00:00 GMT");
    await expectSameRequests(runs);
  });

  it("an endpoint with a path of its own keeps it before the bucket", async () => {
    const runs = await bothPaths(
      async (s3) => {
        await s3.bucket("b").getText("a/../k");
        await s3.bucket("b").put("k", "v");
      },
      store,
      "/base%20path/",
    );
    await expectSameRequests(runs);
    expect(runs.lean.map((request) => request.url.split("?")[0])).toEqual([
      "/base%20path/b/a/../k",
      "/base%20path/b/k",
    ]);
  });

  it('checksums "when-supported": writes and reads carry the SDK\'s CRC32s, as on the SDK path', async () => {
    const runs = await bothPaths(
      async (s3) => {
        const bucket = s3.bucket("b");
        await bucket.put("k", "hello");
        await bucket.getText("k");
        await bucket.head("k");
        await bucket.setTags("k", { a: "b" });
        await bucket.delete("k");
      },
      store,
      "",
      "when-supported",
    );
    await expectSameRequests(runs);
    expect(runs.lean[0]?.headers["x-amz-sdk-checksum-algorithm"]).toBe("CRC32");
  });
});
