import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { S3OperationError } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import {
  errorXml,
  type FakeReply,
  type FakeS3,
  okText,
  type SeenRequest,
  useFakeS3,
} from "../helpers/fake-s3.js";
import { type Call, callsNamed, TRANSPORTS } from "../helpers/lean-calls.js";

// The lean path links the caller's signal to its own requests. A signal that aborts before,
// while waiting for the answer, while its body comes, or while a retry waits must end the call
// as S3OperationError "Aborted", leave no connection open and send nothing more; a signal used
// for many calls must not collect listeners. Every test runs on both paths.

const fakes = useFakeS3();

const CALLS = callsNamed(
  "getText",
  "getBytes",
  "head",
  "exists",
  "delete",
  "getTags",
  "setTags",
  "stream",
  "open",
);

/** A store answering every kind of request with success. */
function healthy(request: SeenRequest): FakeReply {
  if (request.method === "HEAD") return { status: 200, headers: { etag: '"e"' }, contentLength: 2 };
  if (request.method === "GET" && request.url.includes("tagging")) {
    return { status: 200, body: "<Tagging><TagSet></TagSet></Tagging>" };
  }
  return okText("ok");
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Starts a call, aborts it once the store has its request, and expects it to end Aborted,
 * its connection closed and nothing more sent.
 */
async function expectAbortedAlone(
  server: FakeS3,
  start: (signal: AbortSignal) => Promise<unknown>,
): Promise<void> {
  const controller = new AbortController();
  const call = start(controller.signal);
  await vi.waitFor(() => expect(server.requests).toHaveLength(1));
  await settle();
  controller.abort();
  expect(await rejection(call)).toMatchObject({ code: "Aborted", retryable: false });
  await vi.waitFor(() => expect(server.openConnections()).toBe(0));
  await settle();
  expect(server.requests).toHaveLength(1);
}

describe.each(TRANSPORTS)("aborts on the %s path", (transport) => {
  it.each(Object.keys(CALLS))("%s with a signal aborted already sends nothing", async (name) => {
    const { server, s3 } = await fakes.serve(healthy, { transport });
    const error = await rejection(
      (CALLS[name] as Call)(s3.bucket("b"), AbortSignal.abort(new Error("caller left"))),
    );
    expect(error).toBeInstanceOf(S3OperationError);
    expect(error).toMatchObject({ code: "Aborted", retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it.each(Object.keys(CALLS))(
    "%s aborted while the answer is awaited: one request, its connection closed",
    async (name) => {
      const { server, s3 } = await fakes.serve(() => "hang", { transport });
      await expectAbortedAlone(server, (signal) => (CALLS[name] as Call)(s3.bucket("b"), signal));
    },
  );

  it.each(["getText", "getBytes", "stream", "open", "getTags"])(
    "%s aborted while the body comes: one request, its connection closed",
    async (name) => {
      const { server, s3 } = await fakes.serve(
        () => ({
          status: 200,
          headers: { etag: '"e"' },
          contentLength: 100,
          body: "<Tagging>",
          after: "hang",
        }),
        { transport },
      );
      await expectAbortedAlone(server, (signal) => (CALLS[name] as Call)(s3.bucket("b"), signal));
    },
  );

  it("an abort while a retry waits out Retry-After ends the wait, and no retry is sent", async () => {
    const { server, s3 } = await fakes.serve(
      () => ({ status: 503, headers: { "retry-after": "30" }, body: errorXml("SlowDown", "wait") }),
      { transport, maxRetryDelay: 30_000 },
    );
    const controller = new AbortController();
    const call = s3.bucket("b").getText("k", { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await settle();
    controller.abort();
    expect(await rejection(call)).toMatchObject({ code: "Aborted" });
    await settle();
    expect(server.requests).toHaveLength(1);
  });

  it("a put aborted once sent rejects Aborted after checking the key (the store never stored it)", async () => {
    const { server, s3 } = await fakes.serve(
      (request) => (request.method === "PUT" ? "hang" : { status: 404 }),
      { transport },
    );
    const controller = new AbortController();
    const call = s3.bucket("b").put("k", "v", { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    expect(await rejection(call)).toMatchObject({ code: "Aborted" });
    expect(server.requests.map((request) => request.method)).toEqual(["PUT", "HEAD"]);
  });

  it("one signal for hundreds of calls keeps no listener once they are done; aborting it then does nothing", async () => {
    const { s3 } = await fakes.serve(healthy, { transport });
    const bucket = s3.bucket("b");
    const controller = new AbortController();
    for (let round = 0; round < 20; round++) {
      for (const call of Object.values(CALLS)) await call(bucket, controller.signal);
      await bucket.put("k", "v", { signal: controller.signal });
    }
    await settle();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    controller.abort();
    await settle();
  });
});
