import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type Bucket, type PutBody, ValidationError } from "../../src/index.js";
import { useFakeS3 } from "../helpers/fake-s3.js";

const fake = useFakeS3();

/** A web stream someone else is already reading. */
function lockedWebStream(): ReadableStream<Uint8Array> {
  const stream = new Blob(["data"]).stream();
  stream.getReader();
  return stream;
}

function destroyedReadable(): Readable {
  const stream = Readable.from([Buffer.from("data")]);
  stream.destroy();
  return stream;
}

function failedReadable(): Readable {
  const stream = new Readable({ read() {} });
  stream.on("error", () => {});
  stream.destroy(new Error("disk gone"));
  return stream;
}

async function endedReadable(): Promise<Readable> {
  const stream = Readable.from([Buffer.from("data")]);
  for await (const _chunk of stream) {
    // read it all
  }
  return stream;
}

async function cancelledWebStream(): Promise<ReadableStream<Uint8Array>> {
  const stream = new Blob(["important data"]).stream();
  await stream.cancel();
  return stream;
}

/** A web stream whose first chunk someone read before letting go of it. */
async function partlyReadWebStream(): Promise<ReadableStream<Uint8Array>> {
  const stream = new Blob(["HEADER\n", "body\n"]).stream();
  const reader = stream.getReader();
  await reader.read();
  reader.releaseLock();
  return stream;
}

function failedWebStream(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.error(new Error("source broke")),
  });
}

/** A Node stream that already emitted its first chunk. */
async function partlyReadReadable(): Promise<Readable> {
  const stream = Readable.from([
    Buffer.from("part1-"),
    Buffer.from("part2-"),
    Buffer.from("part3"),
  ]);
  await new Promise<void>((resolve) =>
    stream.once("data", () => {
      stream.pause();
      resolve();
    }),
  );
  return stream;
}

const bodies: Array<[label: string, body: () => Promise<PutBody> | PutBody, reason: RegExp]> = [
  ["a locked web ReadableStream", lockedWebStream, /locked/],
  ["a destroyed Readable", destroyedReadable, /destroyed/],
  ["a Readable that failed", failedReadable, /failed \(disk gone\)/],
  ["a Readable already read to its end", endedReadable, /end/],
  ["a cancelled web ReadableStream", cancelledWebStream, /cancelled/],
  ["a web ReadableStream read from, then released", partlyReadWebStream, /read from/],
  ["a web ReadableStream that failed", failedWebStream, /failed/],
  ["a Readable that emitted its first chunk", partlyReadReadable, /read from/],
];

describe("a stream that cannot be read is refused before any request", () => {
  it.each(bodies)(
    "hardening 15: put() and upload() of %s → ValidationError",
    async (_label, body, reason) => {
      const { server, s3 } = await fake.serve(() => ({ status: 500 }));
      const bucket: Bucket = s3.bucket("bkt");
      for (const write of [
        async () => bucket.put("k.bin", await body()),
        async () => bucket.upload((await body()) as Readable | ReadableStream<Uint8Array>, "k.bin"),
      ]) {
        const error = await write().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toMatch(reason);
        expect((error as ValidationError).key).toBe("k.bin");
      }
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe("a stream whose first bytes were read and put back", () => {
  it("hardening 15: is refused saying why and how to pass it; wrapped in Readable.from it uploads whole", async () => {
    let stored = "";
    const { server, s3 } = await fake.serve((request) => {
      stored = request.body;
      return { status: 200, headers: { etag: '"e"' } };
    });
    // Content sniffing: the first bytes are read to tell the type, then put back.
    const sniffed = async () => {
      const stream = new PassThrough();
      stream.end("%PDF-1.7 the whole document");
      await once(stream, "readable");
      stream.unshift(stream.read(8) as Buffer);
      return stream;
    };
    const error = await s3
      .bucket("bkt")
      .put("doc.pdf", await sniffed())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/unshifted.*Readable\.from\(stream\)/);
    expect(server.requests).toHaveLength(0);

    await s3.bucket("bkt").put("doc.pdf", Readable.from(await sniffed()));
    expect(stored).toBe("%PDF-1.7 the whole document");
  });
});
