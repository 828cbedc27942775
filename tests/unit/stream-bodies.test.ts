import { Readable } from "node:stream";
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

const bodies: Array<[label: string, body: () => Promise<PutBody> | PutBody, reason: RegExp]> = [
  ["a locked web ReadableStream", lockedWebStream, /locked/],
  ["a destroyed Readable", destroyedReadable, /destroyed/],
  ["a Readable that failed", failedReadable, /failed \(disk gone\)/],
  ["a Readable already read to its end", endedReadable, /end/],
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
