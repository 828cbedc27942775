import { Readable } from "node:stream";
import vm from "node:vm";
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  BucketNotFoundError,
  isS3Error,
  ObjectNotFoundError,
  PreconditionFailedError,
  S3,
  S3Error,
  S3OperationError,
  ValidationError,
} from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";

const s3Mock = mockClient(S3Client);

beforeEach(() => s3Mock.reset());
afterEach(() => s3Mock.reset());

function mockedS3(): S3 {
  return new S3({ client: new S3Client({ region: "us-east-1" }) });
}

/** An error shaped like the ones the SDK throws for an S3 error response. */
function sdkError(
  name: string,
  status: number,
  message: string = name,
  attempts = 1,
): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, requestId: `req-${name}-${status}`, attempts },
    message,
  });
}

describe("the error table of DESIGN.md, with every field", () => {
  it("NoSuchKey → ObjectNotFoundError", async () => {
    const original = new NoSuchKey({
      message: "The specified key does not exist.",
      $metadata: { httpStatusCode: 404, requestId: "req-nsk" },
    });
    s3Mock.on(GetObjectCommand).rejects(original);
    const error = await rejection(mockedS3().bucket("b").prefix("dir").getBytes("k.txt"));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({
      name: "ObjectNotFoundError",
      code: "NoSuchKey",
      status: 404,
      bucket: "b",
      key: "dir/k.txt",
      operation: "GetObject",
      requestId: "req-nsk",
      retryable: false,
    });
    expect((error as Error).cause).toBe(original);
    expect((error as Error).message).toContain("s3://b/dir/k.txt");
  });

  it("HEAD 404 (NotFound) on an existing bucket → ObjectNotFoundError", async () => {
    const original = new NotFound({
      message: "",
      $metadata: { httpStatusCode: 404, requestId: "req-head" },
    });
    s3Mock.on(HeadObjectCommand).rejects(original);
    s3Mock.on(HeadBucketCommand).resolves({});
    const error = await rejection(mockedS3().bucket("b").head("k"));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({
      code: "NotFound",
      status: 404,
      bucket: "b",
      key: "k",
      operation: "HeadObject",
      requestId: "req-head",
      retryable: false,
    });
    expect((error as Error).cause).toBe(original);
    expect(s3Mock.commandCalls(HeadBucketCommand)).toHaveLength(1);
  });

  it("HEAD 404 and HeadBucket 404 → BucketNotFoundError, for head and exists", async () => {
    const original = new NotFound({
      message: "",
      $metadata: { httpStatusCode: 404, requestId: "req-head" },
    });
    s3Mock.on(HeadObjectCommand).rejects(original);
    s3Mock
      .on(HeadBucketCommand)
      .rejects(new NotFound({ message: "", $metadata: { httpStatusCode: 404 } }));
    const s3 = mockedS3();
    for (const attempt of [s3.bucket("gone").head("k"), s3.bucket("gone").exists("k")]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(BucketNotFoundError);
      expect(error).toMatchObject({
        code: "NoSuchBucket",
        status: 404,
        bucket: "gone",
        key: "k",
        operation: "HeadObject",
        requestId: "req-head",
        retryable: false,
      });
      // The cause chain leads to the SDK's original HEAD error.
      const cause = (error as Error).cause as Error;
      expect(cause === original || cause.cause === original).toBe(true);
    }
  });

  it("a HeadBucket answer is remembered, so a second missing key costs one request", async () => {
    s3Mock
      .on(HeadObjectCommand)
      .rejects(new NotFound({ message: "", $metadata: { httpStatusCode: 404 } }));
    s3Mock.on(HeadBucketCommand).resolves({});
    const bucket = mockedS3().bucket("b");
    expect(await bucket.exists("a")).toBe(false);
    expect(await bucket.exists("b")).toBe(false);
    expect(s3Mock.commandCalls(HeadBucketCommand)).toHaveLength(1);
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(2);
  });

  /** A call on a mocked S3Client that fails with `original`, and the s3kit error it becomes. */
  interface Mapping {
    title: string;
    command: typeof GetObjectCommand | typeof PutObjectCommand;
    /** The SDK's error, made afresh for each test. */
    original: () => Error;
    call: (s3: S3) => Promise<unknown>;
    type: abstract new (...args: never[]) => S3Error;
    /** Every field the s3kit error must carry. */
    fields: Record<string, unknown>;
  }
  const getText = (s3: S3) => s3.bucket("b").getText("k");
  const mappings: Mapping[] = [
    {
      title: "NoSuchBucket → BucketNotFoundError",
      command: PutObjectCommand,
      original: () =>
        new NoSuchBucket({
          message: "The specified bucket does not exist",
          $metadata: { httpStatusCode: 404, requestId: "req-nsb" },
        }),
      call: (s3) => s3.bucket("gone").put("k", "v"),
      type: BucketNotFoundError,
      fields: {
        code: "NoSuchBucket",
        status: 404,
        bucket: "gone",
        key: "k",
        operation: "PutObject",
        requestId: "req-nsb",
        retryable: false,
      },
    },
    ...(
      [
        ["AccessDenied", 403],
        ["SignatureDoesNotMatch", 403],
        ["InvalidAccessKeyId", 403],
        ["Forbidden", 403],
        ["InvalidAccessKeyId", 400],
      ] as const
    ).map(([name, status]) => ({
      title: `${name} (HTTP ${status}) → AccessDeniedError`,
      command: GetObjectCommand,
      original: () => sdkError(name, status),
      call: getText,
      type: AccessDeniedError,
      fields: {
        code: name,
        status,
        bucket: "b",
        key: "k",
        operation: "GetObject",
        requestId: `req-${name}-${status}`,
        retryable: false,
      },
    })),
    ...(
      [
        ["PreconditionFailed", 412],
        ["Unknown", 412],
      ] as const
    ).map(([name, status]) => ({
      title: `${name} (HTTP ${status}) → PreconditionFailedError`,
      command: PutObjectCommand,
      original: () => sdkError(name, status),
      call: (s3: S3) => s3.bucket("b").put("k", "v", { ifNoneMatch: "*" }),
      type: PreconditionFailedError,
      fields: {
        code: "PreconditionFailed",
        status: 412,
        bucket: "b",
        key: "k",
        operation: "PutObject",
        requestId: `req-${name}-${status}`,
        retryable: false,
      },
    })),
    ...(
      [
        ["InternalError", 500],
        ["ServiceUnavailable", 503],
        ["SlowDown", 503],
      ] as const
    ).map(([name, status]) => ({
      title: `${name} (HTTP ${status}) after the SDK's retries → S3OperationError, retryable`,
      command: GetObjectCommand,
      original: () => sdkError(name, status, "try again", 4),
      call: (s3: S3) => s3.bucket("b").getBytes("k"),
      type: S3OperationError,
      fields: {
        code: name,
        status,
        bucket: "b",
        key: "k",
        operation: "GetObject",
        requestId: `req-${name}-${status}`,
        retryable: true,
        attempts: 4,
      },
    })),
    {
      title: "a network error (ECONNRESET) → S3OperationError, retryable, no status",
      command: GetObjectCommand,
      original: () =>
        Object.assign(new Error("read ECONNRESET"), {
          code: "ECONNRESET",
          errno: -104,
          syscall: "read",
          $metadata: { attempts: 4 },
        }),
      call: getText,
      type: S3OperationError,
      fields: {
        code: "ECONNRESET",
        status: undefined,
        bucket: "b",
        key: "k",
        operation: "GetObject",
        requestId: undefined,
        retryable: true,
      },
    },
  ];

  // "%s" rather than "$title": vitest quotes and shortens a $-named value in the test name.
  it.each(mappings.map((mapping) => [mapping.title, mapping] as const))(
    "%s",
    async (_title, { command, original: make, call, type, fields }) => {
      const original = make();
      s3Mock.on(command).rejects(original);
      const error = await rejection(call(mockedS3()));
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject(fields);
      expect((error as Error).cause).toBe(original);
    },
  );

  it("a bodiless HEAD 403 (the SDK says 'Unknown') → AccessDeniedError with code AccessDenied", async () => {
    s3Mock.on(HeadObjectCommand).rejects(sdkError("Unknown", 403, "UnknownError"));
    const error = await rejection(mockedS3().bucket("b").exists("k"));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: "AccessDenied", status: 403, operation: "HeadObject" });
    expect((error as Error).message).not.toContain("Unknown");
  });

  it("501 NotImplemented (a feature the store lacks) → S3OperationError, not retryable", async () => {
    s3Mock.on(PutObjectCommand).rejects(sdkError("NotImplemented", 501, "KMS is not configured"));
    const error = await rejection(
      mockedS3().bucket("b").put("k", "v", { serverSideEncryption: "AES256" }),
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "NotImplemented", status: 501, retryable: false });
  });

  it("a timeout → S3OperationError, retryable", async () => {
    const original = Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
    s3Mock.on(GetObjectCommand).rejects(original);
    const error = await rejection(mockedS3().bucket("b").getText("k"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "TimeoutError", retryable: true, status: undefined });
  });

  it("valid JSON through the same mocked body parses (so the failure below is the parser's)", async () => {
    const text = '{"ok":true}';
    s3Mock.on(GetObjectCommand).resolves({
      Body: Readable.from([Buffer.from(text)]) as never,
      ContentLength: text.length,
      ETag: '"e1"',
    });
    expect(await mockedS3().bucket("b").getJson("k.json")).toEqual({ ok: true });
  });

  it("invalid JSON → S3OperationError naming the key, with the parse error as cause", async () => {
    const text = "{not json";
    s3Mock.on(GetObjectCommand).resolves({
      Body: Readable.from([Buffer.from(text)]) as never,
      ContentLength: text.length,
      ETag: '"e1"',
    });
    const error = await rejection(mockedS3().bucket("b").prefix("conf").getJson("app.json"));
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "InvalidJson",
      bucket: "b",
      key: "conf/app.json",
      operation: "getJson",
      retryable: false,
    });
    expect((error as Error).message).toContain("s3://b/conf/app.json");
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("an already aborted signal → S3OperationError Aborted without a request", async () => {
    const controller = new AbortController();
    controller.abort(new Error("user gave up"));
    const error = await rejection(
      mockedS3().bucket("b").getText("k", { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({
      code: "Aborted",
      retryable: false,
      key: "k",
      operation: "GetObject",
    });
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it("an abort during the request → S3OperationError Aborted", async () => {
    const controller = new AbortController();
    s3Mock.on(GetObjectCommand).callsFake(async () => {
      controller.abort();
      throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    });
    const error = await rejection(
      mockedS3().bucket("b").getText("k", { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Aborted", retryable: false });
  });

  it("something that is not even an Error → S3OperationError", async () => {
    s3Mock.on(GetObjectCommand).rejects("plain string" as never);
    const error = await rejection(mockedS3().bucket("b").getText("k"));
    expect(isS3Error(error)).toBe(true);
    expect(error).toBeInstanceOf(S3OperationError);
  });
});

describe("isS3Error", () => {
  it("is true for every s3kit error class and false for others", () => {
    for (const error of [
      new S3Error("x", { code: "X" }),
      new ValidationError("x"),
      new ObjectNotFoundError("x", { code: "NoSuchKey" }),
      new S3OperationError("x", { code: "X" }),
    ]) {
      expect(isS3Error(error)).toBe(true);
    }
    for (const value of [new Error("x"), null, undefined, "S3Error", { code: "NoSuchKey" }, 42]) {
      expect(isS3Error(value)).toBe(false);
    }
  });

  it("recognises an error from another realm by its Symbol.for brand", () => {
    const foreign = vm.runInNewContext(
      'const e = new Error("from elsewhere"); e[Symbol.for("s3kit.S3Error")] = true; e',
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isS3Error(foreign)).toBe(true);
    expect(isS3Error(vm.runInNewContext('new Error("plain")'))).toBe(false);
    expect(isS3Error({ [Symbol.for("s3kit.S3Error")]: true, message: "duplicated install" })).toBe(
      true,
    );
    expect(isS3Error({ [Symbol.for("s3kit.S3Error")]: "yes" })).toBe(false);
  });

  it("recognises an error made by a second copy of the module", async () => {
    // A query string makes the module loader evaluate the file a second time: a separate
    // S3Error class, as a duplicated install would have.
    const secondCopy = "../../src/errors/s3-error.js?second-copy";
    const copy = (await import(
      /* @vite-ignore */ secondCopy
    )) as typeof import("../../src/errors/s3-error.js");
    expect(copy.S3Error).not.toBe(S3Error);
    const foreign = new copy.S3Error("from the other copy", { code: "X" });
    expect(foreign instanceof S3Error).toBe(false);
    expect(isS3Error(foreign)).toBe(true);
  });
});

describe("secrets never reach a message", () => {
  const secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
  const sessionToken = "FwoGZXIvYXdzEJr//////////wEaDSESSIONTOKEN0123456789";

  it("replaces the secret key and session token with [REDACTED] in message, toString and cause", async () => {
    const s3 = new S3({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey, sessionToken },
    });
    const leaky = sdkError(
      "SignatureDoesNotMatch",
      403,
      `The request signature we calculated does not match. secret=${secretAccessKey} token=${sessionToken}`,
    );
    s3Mock.on(GetObjectCommand).rejects(leaky);
    const error = (await rejection(s3.bucket("b").getText("k"))) as S3Error;
    expect(error).toBeInstanceOf(AccessDeniedError);
    for (const text of [
      error.message,
      error.toString(),
      (error.cause as Error).message,
      String((error.cause as Error).stack),
    ]) {
      expect(text).not.toContain(secretAccessKey);
      expect(text).not.toContain(sessionToken);
    }
    expect(error.message).toContain("[REDACTED]");
    expect(error.toString()).toContain("[REDACTED]");
    expect((error.cause as Error).message).toContain("[REDACTED]");
    s3.close();
  });

  it("redacts a secret that only a credentials provider knew, once the provider ran", async () => {
    const s3 = new S3({
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: "AKIAEXAMPLE", secretAccessKey }),
    });
    // A real request resolves the credentials to sign; the mock replaces send, so do it here.
    await (await s3.client.config.credentials)();
    s3Mock
      .on(GetObjectCommand)
      .rejects(new Error(`socket closed while sending ${secretAccessKey}`));
    const error = (await rejection(s3.bucket("b").getText("k"))) as S3Error;
    expect(error.message).not.toContain(secretAccessKey);
    expect(error.message).toContain("[REDACTED]");
    s3.close();
  });

  it("redacts the secret from AWS_SECRET_ACCESS_KEY and signatures in URLs", async () => {
    const previous = process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
    try {
      const s3 = new S3({ region: "us-east-1" });
      s3Mock
        .on(GetObjectCommand)
        .rejects(
          new Error(
            `failed https://b.s3.amazonaws.com/k?X-Amz-Signature=abcdef0123456789&X-Amz-Credential=AKIA%2F with ${secretAccessKey}`,
          ),
        );
      const error = (await rejection(s3.bucket("b").getText("k"))) as S3Error;
      expect(error.message).not.toContain(secretAccessKey);
      expect(error.message).not.toContain("abcdef0123456789");
      expect(error.message).toContain("X-Amz-Signature=[REDACTED]");
      s3.close();
    } finally {
      if (previous === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = previous;
    }
  });
});
