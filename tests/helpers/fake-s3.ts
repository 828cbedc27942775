import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { afterEach } from "vitest";
import { S3, type S3Options } from "../../src/index.js";

/** One request the fake server received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/**
 * An answer, sent the way the test asks. By default the body goes out at once with its own
 * Content-Length and the response ends; the other fields play stores and networks that do not.
 */
export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  /** The body; an array is sent piece by piece (see `pauseMs`). */
  body?: string | Uint8Array | Array<string | Uint8Array>;
  /**
   * The Content-Length announced: by default the body's length; a number announces that many
   * bytes whatever the body holds; "none" sends the body chunked, without Content-Length.
   */
  contentLength?: number | "none";
  /** Milliseconds to wait before each piece of the body after the first. */
  pauseMs?: number;
  /**
   * After the body: "end" the response (default), "hang" (send nothing more and keep the
   * connection open), or "reset" the connection.
   */
  after?: "end" | "hang" | "reset";
}

/** What the fake server does with a request: answer it, reset the connection, or never answer. */
export type FakeReply = FakeAnswer | "reset" | "hang";

/** A loopback HTTP server that plays S3 from a script, recording every request. */
export interface FakeS3 {
  endpoint: string;
  requests: SeenRequest[];
  /** Connections the server holds open right now (closed ones no longer count). */
  openConnections(): number;
  close(): Promise<void>;
}

/** An S3 error document as S3 and MinIO send it. */
export function errorXml(code: string, message: string, requestId = "fake-request-id"): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
}

/** A plain 200 answer with a text body, as GetObject sees it. */
export function okText(body: string, headers: Record<string, string> = {}): FakeReply {
  return { status: 200, headers: { "content-type": "text/plain", etag: '"e1"', ...headers }, body };
}

/**
 * How S3 answers a GET or HEAD of an object holding `data`, honouring a `Range: bytes=a-b`
 * or `bytes=a-` (clamped to the object's end) but ignoring every condition: play a store that
 * ignores If-Match by answering with it. `headers` (ETag, x-amz-version-id…) go on every answer.
 */
export function objectAnswer(
  request: SeenRequest,
  data: Uint8Array,
  headers: Record<string, string> = {},
): FakeAnswer {
  const common = { "content-type": "application/octet-stream", ...headers };
  if (request.method === "HEAD") {
    return { status: 200, headers: common, contentLength: data.length };
  }
  const match = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ""));
  if (!match) return { status: 200, headers: common, body: data };
  const start = Number(match[1]);
  const end = Math.min(match[2] ? Number(match[2]) : data.length - 1, data.length - 1);
  return {
    status: 206,
    headers: { ...common, "content-range": `bytes ${start}-${end}/${data.length}` },
    body: data.subarray(start, end + 1),
  };
}

/** Writes `answer` as `startFakeS3` describes it. */
async function send(
  incoming: IncomingMessage,
  response: ServerResponse,
  answer: FakeAnswer,
  requestId: string,
): Promise<void> {
  const pieces = [answer.body ?? ""].flat().map((piece) => Buffer.from(piece));
  const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const headers: Record<string, string> = {
    "x-amz-request-id": requestId,
    ...(size > 0 && answer.status >= 300 ? { "content-type": "application/xml" } : {}),
    ...answer.headers,
  };
  const announced = answer.contentLength ?? size;
  if (announced !== "none") headers["content-length"] = String(announced);
  response.writeHead(answer.status, headers);
  if (incoming.method !== "HEAD") {
    for (const [index, piece] of pieces.entries()) {
      if (index > 0 && answer.pauseMs) await new Promise((r) => setTimeout(r, answer.pauseMs));
      if (response.destroyed) return;
      // Flushed before going on, so that a "reset" after it cannot swallow it.
      await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    }
  }
  if (answer.after === "reset") incoming.socket.destroy();
  else if (answer.after !== "hang") response.end();
}

/**
 * Starts a server on 127.0.0.1 that answers each request with `reply(request, index)`.
 * Unlike aws-sdk-client-mock, which replaces `send`, requests to it go through the whole SDK
 * middleware stack (signing, retries, our request log) and a real HTTP connection, so the
 * number of requests it sees is the number of attempts the SDK made.
 */
export async function startFakeS3(
  reply: (request: SeenRequest, index: number) => FakeReply,
): Promise<FakeS3> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const seen: SeenRequest = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      const answer = reply(seen, requests.length - 1);
      if (answer === "reset") {
        incoming.socket.destroy();
        return;
      }
      if (answer === "hang") return;
      void send(incoming, response, answer, `fake-${requests.length}`);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    openConnections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Test credentials long enough for the redactor to remember them. */
export const fakeCredentials = {
  accessKeyId: "AKIAFAKEACCESSKEY01",
  secretAccessKey: "fake/Secret+Key/0123456789abcdefghijklmn",
};

/** An S3 talking to a fake server, retrying fast. */
export function fakeS3Client(fake: FakeS3, options: S3Options & { client?: undefined } = {}): S3 {
  return new S3({
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials: fakeCredentials,
    retryDelay: 1,
    maxRetryDelay: 5,
    ...options,
  });
}

/**
 * An S3Client of the caller's talking to a fake server through the SDK's fetch handler, as
 * on workerd and in browsers: GetObject bodies come as web ReadableStreams from fetch.
 * Destroy it after the test.
 */
export function fakeFetchClient(fake: FakeS3): S3Client {
  return new S3Client({
    endpoint: fake.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: fakeCredentials,
    requestHandler: new FetchHttpHandler(),
  });
}

/** What `useFakeS3()` hands the tests of a file. */
export interface FakeS3Servers {
  /** Starts a fake server (see `startFakeS3`); it is closed after the test. */
  start(reply: (request: SeenRequest, index: number) => FakeReply): Promise<FakeS3>;
  /** Starts a fake server and an S3 talking to it (see `fakeS3Client`); both closed after the test. */
  serve(
    reply: (request: SeenRequest, index: number) => FakeReply,
    options?: S3Options & { client?: undefined },
  ): Promise<{ server: FakeS3; s3: S3 }>;
}

/**
 * Lets every test of the file start fake servers (and S3s talking to them) without closing them
 * itself: whatever a test started is closed after it, even when the test failed halfway.
 */
export function useFakeS3(): FakeS3Servers {
  const servers: FakeS3[] = [];
  const clients: S3[] = [];
  afterEach(async () => {
    for (const s3 of clients.splice(0)) s3.close();
    for (const server of servers.splice(0)) await server.close();
  });
  const start: FakeS3Servers["start"] = async (reply) => {
    const server = await startFakeS3(reply);
    servers.push(server);
    return server;
  };
  return {
    start,
    async serve(reply, options = {}) {
      const server = await start(reply);
      const s3 = fakeS3Client(server, options);
      clients.push(s3);
      return { server, s3 };
    },
  };
}
