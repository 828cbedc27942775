import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";
import { S3, type S3Options } from "../../src/index.js";

/** One request the fake server received. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** What the fake server does with a request: answer it, reset the connection, or never answer. */
export type FakeReply =
  | { status: number; headers?: Record<string, string>; body?: string }
  | "reset"
  | "hang";

/** A loopback HTTP server that plays S3 from a script, recording every request. */
export interface FakeS3 {
  endpoint: string;
  requests: SeenRequest[];
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
      const body = answer.body ?? "";
      const headers: Record<string, string> = {
        "x-amz-request-id": `fake-${requests.length}`,
        ...(body && answer.status >= 300 ? { "content-type": "application/xml" } : {}),
        ...answer.headers,
      };
      response.writeHead(answer.status, {
        ...headers,
        "content-length": String(Buffer.byteLength(body)),
      });
      response.end(incoming.method === "HEAD" ? undefined : body);
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
export function fakeS3Client(fake: FakeS3, options: S3Options = {}): S3 {
  return new S3({
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials: fakeCredentials,
    retryDelay: 1,
    maxRetryDelay: 5,
    ...options,
  });
}

/** What `useFakeS3()` hands the tests of a file. */
export interface FakeS3Servers {
  /** Starts a fake server (see `startFakeS3`); it is closed after the test. */
  start(reply: (request: SeenRequest, index: number) => FakeReply): Promise<FakeS3>;
  /** Starts a fake server and an S3 talking to it (see `fakeS3Client`); both closed after the test. */
  serve(
    reply: (request: SeenRequest, index: number) => FakeReply,
    options?: S3Options,
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
