import { createHash } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { S3, S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeAnswer,
  type FakeReply,
  fakeCredentials,
  type SeenRequest,
  startFakeS3,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { operationOf, xmlReply } from "../helpers/s3-wire.js";

const MiB = 1024 * 1024;
const fake = useFakeS3();

function count(requests: SeenRequest[], operation: string): number {
  return requests.filter((request) => operationOf(request) === operation).length;
}

describe("upload cleanup after a failure", () => {
  it("does not stack its own retries on the SDK's when the store keeps failing", async () => {
    const server = await startFakeS3((request) => {
      switch (operationOf(request)) {
        case "CreateMultipartUpload":
          return {
            status: 200,
            body: '<?xml version="1.0"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>',
          };
        case "UploadPart":
          return { status: 400, body: errorXml("InvalidPart", "refused") };
        default:
          return { status: 503, body: errorXml("ServiceUnavailable", "down") };
      }
    });
    const s3 = new S3({
      endpoint: server.endpoint,
      credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret-key-0000" },
      maxRetries: 2,
      retryDelay: 1,
      maxRetryDelay: 5,
    });
    try {
      await expect(
        s3.bucket("b").upload(new Uint8Array(12 * MiB), "k", { partSize: 5 * MiB, concurrency: 1 }),
      ).rejects.toBeInstanceOf(S3OperationError);
      // One abort, tried 1 + maxRetries times by the SDK, then cleanup gives up and logs.
      expect(count(server.requests, "AbortMultipartUpload")).toBe(3);
      expect(count(server.requests, "ListParts")).toBe(0);
    } finally {
      s3.close();
      await server.close();
    }
  });
});

/** An incomplete multipart upload held by the scripted store. */
interface StoredUpload {
  key: string;
  initiated: Date;
  /** Aborts it survives while ListParts still lists it (a part racing the abort). */
  survives: number;
}

interface StoreScript {
  /** The store's clock minus ours, in ms. */
  skew?: number;
  /**
   * The answer to each CreateMultipartUpload attempt (1-based); `create()` makes the upload
   * and gives its id. By default every attempt creates one and answers.
   */
  onCreate?: (attempt: number, create: () => string) => FakeReply;
  /** The answer to UploadPartCopy of this part number, instead of success. */
  failPartCopy?: { part: number; reply: FakeReply };
  /** Aborts each new upload survives before it is gone. */
  survives?: number;
  /** The answer to CompleteMultipartUpload; `done()` completes the upload and gives S3's answer. */
  onComplete?: (done: () => FakeAnswer) => FakeReply;
  /** The answer to HeadObject, instead of the 12 MiB source. */
  head?: FakeAnswer;
}

const created = (id: string) =>
  xmlReply(
    `<InitiateMultipartUploadResult><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
  );

/**
 * A scripted store that keeps multipart uploads (create, list, abort, ListParts, parts,
 * complete) and a 12 MiB source object for copies; every answer carries its own clock's Date.
 */
function multipartStore(script: StoreScript = {}) {
  const uploads = new Map<string, StoredUpload>();
  const now = () => new Date(Date.now() + (script.skew ?? 0));
  let creates = 0;
  let ids = 0;
  const answer = (request: SeenRequest): FakeReply => {
    const url = new URL(request.url, "http://fake");
    const key = decodeURIComponent(url.pathname.split("/").slice(2).join("/"));
    const uploadId = url.searchParams.get("uploadId") ?? "";
    const md5 = `"${createHash("md5").update(request.body).digest("hex")}"`;
    switch (operationOf(request)) {
      case "CreateMultipartUpload": {
        const create = () => {
          const id = `up-${++ids}`;
          uploads.set(id, { key, initiated: now(), survives: script.survives ?? 0 });
          return id;
        };
        return script.onCreate?.(++creates, create) ?? created(create());
      }
      case "ListMultipartUploads": {
        const listed = [...uploads].map(
          ([id, upload]) =>
            `<Upload><Key>${upload.key}</Key><UploadId>${id}</UploadId><Initiated>${upload.initiated.toISOString()}</Initiated></Upload>`,
        );
        return xmlReply(
          `<ListMultipartUploadsResult><IsTruncated>false</IsTruncated>${listed.join("")}</ListMultipartUploadsResult>`,
        );
      }
      case "AbortMultipartUpload": {
        const upload = uploads.get(uploadId);
        if (!upload) return { status: 404, body: errorXml("NoSuchUpload", "gone") };
        if (upload.survives-- <= 0) uploads.delete(uploadId);
        return { status: 204 };
      }
      case "ListParts":
        return uploads.has(uploadId)
          ? xmlReply(`<ListPartsResult><UploadId>${uploadId}</UploadId></ListPartsResult>`)
          : { status: 404, body: errorXml("NoSuchUpload", "gone") };
      case "UploadPart":
        return { status: 200, headers: { etag: md5 } };
      case "UploadPartCopy":
        if (url.searchParams.get("partNumber") === String(script.failPartCopy?.part))
          return script.failPartCopy?.reply ?? { status: 500 };
        return xmlReply(`<CopyPartResult><ETag>${md5}</ETag></CopyPartResult>`);
      case "CompleteMultipartUpload": {
        const done = () => {
          uploads.delete(uploadId);
          return xmlReply(
            `<CompleteMultipartUploadResult><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>`,
          ) as FakeAnswer;
        };
        return script.onComplete?.(done) ?? done();
      }
      case "HeadObject":
        return (
          script.head ?? {
            status: 200,
            headers: { etag: '"0123456789abcdef0123456789abcdef"' },
            contentLength: 12 * MiB,
          }
        );
      case "GetObjectTagging":
        return xmlReply("<Tagging><TagSet></TagSet></Tagging>");
      default:
        return { status: 404 };
    }
  };
  const reply = (request: SeenRequest): FakeReply => {
    const replied = answer(request);
    if (typeof replied === "string") return replied;
    return { ...replied, headers: { date: now().toUTCString(), ...replied.headers } };
  };
  return { reply, uploads };
}

const sixMiB = () => new Uint8Array(6 * MiB);

/** A store whose Create makes the upload but never answers; the caller then aborts. */
function hungCreate(controller: AbortController) {
  return multipartStore({
    onCreate: (_attempt, create) => {
      create();
      setTimeout(() => controller.abort(), 20);
      return "hang";
    },
  });
}
const parts = { partSize: 5 * MiB };

describe("a CreateMultipartUpload leaves no upload behind", () => {
  it("hardening 3: every Create answer lost, the store's clock 5 s ahead: no upload is left", async () => {
    const store = multipartStore({
      skew: 5000,
      onCreate: (_attempt, create) => {
        create();
        return "reset";
      },
    });
    const { server, s3 } = await fake.serve(store.reply);
    const error = await s3
      .bucket("bkt")
      .upload(sixMiB(), "big.bin", parts)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3OperationError);
    expect(count(server.requests, "CreateMultipartUpload")).toBe(4);
    expect([...store.uploads.keys()]).toEqual([]);
  });

  it("a Create refused with 503 looks for no stray: another writer's upload of the key stays", async () => {
    const store = multipartStore({
      onCreate: (attempt, create) => {
        if (attempt > 1) return created(create());
        // Meanwhile another writer begins an upload of the same key.
        store.uploads.set("theirs", { key: "big.bin", initiated: new Date(), survives: 0 });
        return { status: 503, body: errorXml("SlowDown", "Please reduce your request rate.") };
      },
    });
    const { server, s3 } = await fake.serve(store.reply);
    await s3.bucket("bkt").upload(sixMiB(), "big.bin", parts);
    expect([...store.uploads.keys()]).toEqual(["theirs"]);
    expect(count(server.requests, "ListMultipartUploads")).toBe(0);
  });

  it("hardening 3: upload() aborted during a Create the store never answers stops at once, and aborts the upload it made", async () => {
    const controller = new AbortController();
    const store = hungCreate(controller);
    // The default requestTimeout (120 s) is far beyond this test's timeout: only the abort
    // can end the call in time.
    const { server, s3 } = await fake.serve(store.reply);
    const error = await s3
      .bucket("bkt")
      .upload(sixMiB(), "big.bin", { ...parts, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(count(server.requests, "CreateMultipartUpload")).toBe(1);
    expect([...store.uploads.keys()]).toEqual([]);
  }, 10_000);

  it("hardening 3: copy() aborted during its Create aborts the upload the Create made", async () => {
    const controller = new AbortController();
    const store = hungCreate(controller);
    const { s3 } = await fake.serve(store.reply);
    const error = await s3
      .bucket("bkt")
      .copy("src.bin", "dest.bin", { copyThreshold: 5 * MiB, ...parts, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted" });
    expect([...store.uploads.keys()]).toEqual([]);
  }, 10_000);

  it("hardening 3: a failed multipart copy aborts again while ListParts still lists its upload", async () => {
    const store = multipartStore({
      survives: 1,
      failPartCopy: { part: 2, reply: { status: 400, body: errorXml("InvalidRequest", "no") } },
    });
    const { server, s3 } = await fake.serve(store.reply);
    const error = await s3
      .bucket("bkt")
      .copy("src.bin", "dest.bin", { copyThreshold: 5 * MiB, ...parts, concurrency: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "InvalidRequest" });
    expect(count(server.requests, "AbortMultipartUpload")).toBe(2);
    expect(count(server.requests, "ListParts")).toBe(2);
    expect([...store.uploads.keys()]).toEqual([]);
  });
});

/** A store whose CompleteMultipartUpload never answers; the caller aborts once it arrives. */
function hungComplete(controller: AbortController) {
  return multipartStore({
    onComplete: () => {
      setTimeout(() => controller.abort(), 20);
      return "hang";
    },
  });
}

/** How `promise` settled, or "pending" if it had not within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  try {
    return await Promise.race([promise.catch((error: unknown) => error), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** A caller's own client, without a socket timeout: only s3kit can bound its requests. */
async function callersClient(reply: (request: SeenRequest) => FakeReply) {
  const server = await fake.start(reply);
  const client = new S3Client({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: fakeCredentials,
    forcePathStyle: true,
  });
  return { server, client, s3: new S3({ client, retryDelay: 1, maxRetryDelay: 5 }) };
}

describe("an abort while CompleteMultipartUpload is on the wire", () => {
  it("hardening 2: upload() sends no new attempt of the Complete after the abort, and fails with Aborted", async () => {
    const controller = new AbortController();
    const store = hungComplete(controller);
    // Every attempt of the Complete would time out after 300 ms and be retried.
    const { server, s3 } = await fake.serve(store.reply, { requestTimeout: 300, maxRetries: 3 });
    const error = await s3
      .bucket("bkt")
      .upload(sixMiB(), "big.bin", { ...parts, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "Aborted" });
    expect(count(server.requests, "CompleteMultipartUpload")).toBe(1);
    // The attempt that timed out may have completed the upload: the object was read back.
    expect(count(server.requests, "HeadObject")).toBe(1);
    expect([...store.uploads.keys()]).toEqual([]);
  }, 10_000);

  const abortedWrites: Array<[string, string, (s3: S3, signal: AbortSignal) => Promise<unknown>]> =
    [
      [
        "upload()",
        "big.bin",
        (s3, signal) =>
          s3.bucket("bkt").upload(sixMiB(), "big.bin", { ...parts, signal, abortGrace: 200 }),
      ],
      [
        "a multipart copy()",
        "dest.bin",
        (s3, signal) =>
          s3.bucket("bkt").copy("src.bin", "dest.bin", {
            copyThreshold: 5 * MiB,
            ...parts,
            signal,
            abortGrace: 200,
          }),
      ],
    ];
  it.each(abortedWrites)(
    "hardening 2: %s on a caller's client without a socket timeout settles once abortGrace has passed",
    async (_label, key, write) => {
      const controller = new AbortController();
      const store = hungComplete(controller);
      const { server, client, s3 } = await callersClient(store.reply);
      try {
        const settled = await settledWithin(write(s3, controller.signal), 5000);
        expect(settled).toMatchObject({ code: "Aborted" });
        expect(count(server.requests, "CompleteMultipartUpload")).toBe(1);
        // The Complete cancelled after the grace may have landed: the object was read back.
        const heads = server.requests.filter(
          (r) => operationOf(r) === "HeadObject" && r.url.startsWith(`/bkt/${key}`),
        );
        expect(heads).toHaveLength(1);
        expect([...store.uploads.keys()]).toEqual([]);
      } finally {
        client.destroy();
      }
    },
    10_000,
  );

  it("a Complete answered within the grace decides: the upload resolves, the abort came too late", async () => {
    const controller = new AbortController();
    const store = multipartStore({
      onComplete: (done) => {
        setTimeout(() => controller.abort(), 20);
        // The answer's body comes 200 ms after its headers: well after the abort.
        const answer = done();
        const body = String(answer.body);
        return { ...answer, body: [body.slice(0, 10), body.slice(10)], pauseMs: 200 };
      },
    });
    const { server, s3 } = await fake.serve(store.reply);
    const result = await s3
      .bucket("bkt")
      .upload(sixMiB(), "big.bin", { ...parts, signal: controller.signal });
    expect(controller.signal.aborted).toBe(true);
    expect(result.etag).toBe('"abc-2"');
    expect(count(server.requests, "CompleteMultipartUpload")).toBe(1);
  });
});

const md5Of = (bytes: Uint8Array) => createHash("md5").update(bytes).digest();

describe("a Complete answered with the store's own InternalError", () => {
  // The ETag S3 gives sixMiB() uploaded in parts of 5 MiB: MD5 of the parts' MD5s, "-2".
  const partsMd5 = Buffer.concat([md5Of(new Uint8Array(5 * MiB)), md5Of(new Uint8Array(MiB))]);
  const ours = `"${createHash("md5").update(partsMd5).digest("hex")}-2"`;
  /** A store whose first Complete answers 500 InternalError, the retry 412, HEAD `modified`. */
  const store = (modified: Date) => {
    let completes = 0;
    return multipartStore({
      onComplete: () =>
        ++completes === 1
          ? { status: 500, body: errorXml("InternalError", "We encountered an internal error.") }
          : {
              status: 412,
              body: errorXml("PreconditionFailed", "At least one precondition failed"),
            },
      head: {
        status: 200,
        headers: {
          etag: ours,
          "content-type": "application/octet-stream",
          "last-modified": modified.toUTCString(),
        },
      },
    });
  };
  const upload = (s3: S3) =>
    s3.bucket("bkt").upload(sixMiB(), "big.bin", { ...parts, ifNoneMatch: "*" });

  it("hardening 2: may have created the object: one written during the call is ours", async () => {
    const { server, s3 } = await fake.serve(store(new Date()).reply);
    expect(await upload(s3)).toMatchObject({ etag: ours });
    expect(count(server.requests, "CompleteMultipartUpload")).toBe(2);
  });

  it("hardening 2: an identical object from before the call is not ours: the 412 stands", async () => {
    const lastYear = new Date(Date.now() - 365 * 86_400_000);
    const { server, s3 } = await fake.serve(store(lastYear).reply);
    const error = await rejection(upload(s3));
    expect(error).toMatchObject({ code: "PreconditionFailed" });
    // The object was read back, and refused by its age.
    expect(count(server.requests, "HeadObject")).toBe(1);
  });
});
