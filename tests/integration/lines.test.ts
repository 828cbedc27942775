import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { BucketNotFoundError, ObjectNotFoundError, ValidationError } from "../../src/index.js";
import { countRequests, uniqueBucketName, useTestBucket } from "../helpers/s3.js";

const t = useTestBucket();

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

/** Stores raw bytes with the SDK, so exactly these bytes are what lines() reads. */
async function store(key: string, body: string | Uint8Array): Promise<void> {
  await t.raw.send(new PutObjectCommand({ Bucket: t.bucket.name, Key: key, Body: body }));
}

describe("line endings", () => {
  const cases: Array<[string, string, string[]]> = [
    ["\\n endings", "one\ntwo\nthree\n", ["one", "two", "three"]],
    ["\\r\\n endings", "one\r\ntwo\r\nthree\r\n", ["one", "two", "three"]],
    ["mixed endings", "a\r\nb\nc\r\nd", ["a", "b", "c", "d"]],
    ["no trailing newline", "first\nlast", ["first", "last"]],
    ["a single line without newline", "only", ["only"]],
    ["empty lines kept", "\n\na\n\nb\n\n", ["", "", "a", "", "b", ""]],
    ["just a newline", "\n", [""]],
    ["just \\r\\n", "\r\n", [""]],
    ["a lone \\r is text", "a\rb\nc\r", ["a\rb", "c\r"]],
    ["\\r\\r\\n keeps one \\r", "x\r\r\ny", ["x\r", "y"]],
    ["unicode", "héllo wörld\n日本語\n😀 emoji\n", ["héllo wörld", "日本語", "😀 emoji"]],
  ];
  for (const [title, body, expected] of cases) {
    it(title, async () => {
      await store("f.txt", body);
      expect(await collect(t.bucket.lines("f.txt"))).toEqual(expected);
    });
  }

  it("an empty object has no lines", async () => {
    await store("empty.txt", new Uint8Array(0));
    expect(await collect(t.bucket.lines("empty.txt"))).toEqual([]);
  });

  it("reads relative to a Prefix and honours range", async () => {
    await store("logs/app.log", "alpha\nbeta\ngamma\n");
    const logs = t.bucket.prefix("logs");
    expect(await collect(logs.lines("app.log"))).toEqual(["alpha", "beta", "gamma"]);
    // Bytes 6.. are "beta\ngamma\n".
    expect(await collect(logs.lines("app.log", { range: { offset: 6 } }))).toEqual([
      "beta",
      "gamma",
    ]);
    expect(await collect(logs.lines("app.log", { range: { offset: 6, length: 7 } }))).toEqual([
      "beta",
      "ga",
    ]);
  });
});

describe("large objects", () => {
  it("multi-byte characters split across chunk edges survive", async () => {
    // ~6 MiB of lines made almost only of 2-, 3- and 4-byte characters, so the network's chunk
    // edges (which we do not choose) fall inside characters many times over.
    const line = (i: number) => `${i}:${"é€😀ü日".repeat(40 + (i % 17))}`;
    const expected = Array.from({ length: 30_000 }, (_, i) => line(i));
    const body = Buffer.from(`${expected.join("\r\n")}\n`);
    expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
    await store("big.txt", body);

    // Prove the premise: some chunk of the raw stream really ends inside a character.
    const stream = await t.bucket.stream("big.txt");
    let offset = 0;
    let splits = 0;
    for await (const chunk of stream) {
      offset += (chunk as Buffer).length;
      // A UTF-8 continuation byte (10xxxxxx) right after the edge: the edge split a character.
      if (offset < body.length && ((body[offset] as number) & 0xc0) === 0x80) splits += 1;
    }
    expect(offset).toBe(body.length);
    expect(splits).toBeGreaterThan(0);

    const lines = await collect(t.bucket.lines("big.txt"));
    expect(lines.length).toBe(expected.length);
    expect(lines.some((l) => l.includes("\uFFFD"))).toBe(false);
    expect(lines).toEqual(expected);
  });

  it("breaking out early frees the connection: 60 early exits, then 60 reads still work", async () => {
    const body = Buffer.from(`${"x".repeat(1023)}\n`.repeat(8 * 1024)); // 8 MiB
    await store("big.log", body);
    await store("small.txt", "ok");
    const counts = countRequests(t.s3);
    // More early exits than the SDK agent has sockets (50): a leaked body per exit would hang.
    for (let i = 0; i < 60; i++) {
      let seen = 0;
      for await (const line of t.bucket.lines("big.log")) {
        expect(line).toHaveLength(1023);
        seen += 1;
        if (seen === 3) break;
      }
      expect(seen).toBe(3);
    }
    const texts = await Promise.all(
      Array.from({ length: 60 }, () => t.bucket.getText("small.txt")),
    );
    expect(texts.every((text) => text === "ok")).toBe(true);
    // Each early exit cost one GET, with no resume behind it.
    expect(counts.get("GetObject")).toBe(120);
  }, 60_000);

  it("an error thrown by the consumer also frees the connection", async () => {
    await store("big.log", Buffer.from(`${"y".repeat(1023)}\n`.repeat(4 * 1024)));
    for (let i = 0; i < 55; i++) {
      const consume = async () => {
        for await (const _ of t.bucket.lines("big.log")) throw new Error("consumer failed");
      };
      await expect(consume()).rejects.toThrow("consumer failed");
    }
    expect(await t.bucket.getText("big.log", { range: { offset: 0, length: 3 } })).toBe("yyy");
  }, 60_000);
});

describe("errors", () => {
  it("a bad key or option throws ValidationError at the call, before any request", () => {
    const counts = countRequests(t.s3);
    expect(() => t.bucket.lines("")).toThrow(ValidationError);
    expect(() => t.bucket.lines("/abs")).toThrow(ValidationError);
    expect(() => t.bucket.lines("x", { range: { offset: -1 } })).toThrow(ValidationError);
    expect(counts.size).toBe(0);
  });

  it("a missing object or bucket fails while iterating, with the matching error", async () => {
    const missingKey = collect(t.bucket.lines("nope.txt"));
    await expect(missingKey).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(missingKey).rejects.toMatchObject({ key: "nope.txt", bucket: t.bucket.name });
    const missingBucket = t.s3.bucket(uniqueBucketName("missing"));
    await expect(collect(missingBucket.lines("a.txt"))).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});
