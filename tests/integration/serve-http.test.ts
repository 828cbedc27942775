import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Scope } from "../../src/index.js";
import { useTestBucket } from "../helpers/s3.js";

// respond() behind a real HTTP server, fetched like a browser: the adapter is the README's
// Express / node:http lines (Express's req and res are Node's IncomingMessage and ServerResponse).

const t = useTestBucket();
const MiB = 1024 * 1024;
let server: Server;
let origin: string;

/** The README's adapter: a web Request in, the Response's status, headers and body out. */
async function serve(bucket: Scope, key: string, req: IncomingMessage, res: ServerResponse) {
  const request = new Request(`http://localhost${req.url}`, {
    method: req.method,
    headers: req.headers as Record<string, string>,
  });
  const response = await bucket.respond(key, request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body)
    pipeline(Readable.fromWeb(response.body), res, () => {}); // a client that leaves cancels the read
  else res.end();
}

beforeEach(async () => {
  server = createServer((req, res) => {
    const key = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname.slice(1));
    serve(t.bucket.prefix("public"), key, req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("respond() served by node:http, fetched over HTTP", () => {
  it("a video player's requests: HEAD, Range 0-, a seek, the tail, a revalidation", async () => {
    const data = randomBytes(3 * MiB + 7);
    const put = await t.bucket.put("public/films/trailer 1.mp4", data, {
      contentType: "video/mp4",
    });
    const url = `${origin}/films/trailer%201.mp4`;

    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(data.length));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.headers.get("content-type")).toBe("video/mp4");

    const cases: Array<[string, number, number]> = [
      ["bytes=0-", 0, data.length],
      [`bytes=${2 * MiB}-${2 * MiB + 99}`, 2 * MiB, 2 * MiB + 100],
      // The tail by offset (suffix ranges, bytes=-N, are respond.test.ts's: not every store has them).
      [`bytes=${data.length - 1000}-`, data.length - 1000, data.length],
    ];
    for (const [range, from, to] of cases) {
      const response = await fetch(url, { headers: { range } });
      expect(response.status, range).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes ${from}-${to - 1}/${data.length}`);
      expect(Buffer.from(await response.arrayBuffer()).equals(data.subarray(from, to))).toBe(true);
    }

    const again = await fetch(url, { headers: { "if-none-match": put.etag as string } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(put.etag);
    expect((await fetch(`${origin}/films/missing.mp4`)).status).toBe(404);
    expect((await fetch(url, { headers: { range: `bytes=${data.length}-` } })).status).toBe(416);
  });

  it("clients that leave mid-body free the S3 connections: 60 aborted downloads, then a normal one", async () => {
    const data = randomBytes(8 * MiB);
    await t.bucket.put("public/big.bin", data);
    for (let i = 0; i < 60; i++) {
      const controller = new AbortController();
      const response = await fetch(`${origin}/big.bin`, { signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => undefined);
    }
    const whole = await fetch(`${origin}/big.bin`, { signal: AbortSignal.timeout(20_000) });
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
  }, 60_000);
});
