import { describe, expect, it, vi } from "vitest";
import type { OpenResult } from "../../src/index.js";
import { type FakeReply, useFakeS3 } from "../helpers/fake-s3.js";

// Review of the runtime-neutral read path: a reader that lets go of open()'s stream while the
// read is resuming a broken body frees every connection at once and sends no request after.

const fakes = useFakeS3();
const data = new TextEncoder().encode("0123456789".repeat(10));
const etag = '"e1"';

function bodyOf(opened: OpenResult): ReadableStream<Uint8Array> {
  if (opened.status === 304) throw new Error("expected a body");
  return opened.body;
}

describe("review: cancelling open()'s stream while the read is resuming", () => {
  it.each([
    ["the resume's GET is never answered", "hang" as const],
    ["the resume's GET is answered with a body that stalls", "stall" as const],
  ])(
    "%s: cancel settles at once, the connections close, no request follows",
    async (_label, how) => {
      const { server, s3 } = await fakes.serve((_request, index): FakeReply => {
        if (index === 0)
          return {
            status: 200,
            headers: { etag },
            body: data.subarray(0, 20),
            contentLength: data.length,
            after: "reset",
          };
        if (how === "hang") return "hang";
        // The headers of the rest, then not a byte of it.
        return {
          status: 206,
          headers: { etag, "content-range": `bytes 20-99/${data.length}` },
          body: new Uint8Array(0),
          contentLength: 80,
          after: "hang",
        };
      });
      const reader = bodyOf(await s3.bucket("b").open("k", { idleTimeout: 3_000 })).getReader();
      expect((await reader.read()).done).toBe(false);
      // The next read meets the reset and resumes: its GET goes out and gets no bytes.
      const pending = reader.read().catch((e: unknown) => e);
      await vi.waitFor(() => expect(server.requests).toHaveLength(2), { timeout: 2_000 });
      const cancelledAt = Date.now();
      await reader.cancel();
      expect(Date.now() - cancelledAt).toBeLessThan(1_000);
      await pending;
      await vi.waitFor(() => expect(server.openConnections()).toBe(0), { timeout: 1_500 });
      // Well past idleTimeout: a read nobody reads any more sends no new resume.
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      expect(server.requests).toHaveLength(2);
    },
    15_000,
  );
});
