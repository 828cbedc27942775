import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { describe, expect, it, vi } from "vitest";
import { type Logger, S3 } from "../../src/index.js";
import {
  errorXml,
  type FakeReply,
  fakeCredentials,
  fakeS3Client,
  okText,
  useFakeS3,
} from "../helpers/fake-s3.js";

// The request log sits in the SDK middleware stack, so these tests use a loopback server
// (aws-sdk-client-mock would replace `send` and skip the stack, and the log with it).

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const record = (level: string) => (message: string, fields: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    logger: {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    },
  };
}

const fakes = useFakeS3();

/** A fake S3, closed after the test, answering its nth request with `reply(n)`. */
function serve(reply: (index: number) => FakeReply) {
  return fakes.start((_request, index) => reply(index));
}

const sessionToken = "IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN0123456789";

describe("request log", () => {
  it("writes one debug line per request with operation, bucket, key, status and attempt", async () => {
    const server = await serve(() => okText("hi"));
    const { logger, lines } = recordingLogger();
    const s3 = fakeS3Client(server, { logger });
    await s3.bucket("b").prefix("logs").getText("app.log");
    await s3.bucket("b").put("k.json", { a: 1 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: "debug",
      message: "s3kit request",
      fields: { operation: "GetObject", bucket: "b", key: "logs/app.log", status: 200, attempt: 1 },
    });
    expect(lines[0]?.fields.requestId).toBe("fake-1");
    expect(lines[1]).toMatchObject({
      level: "debug",
      message: "s3kit request",
      fields: { operation: "PutObject", bucket: "b", key: "k.json", status: 200, attempt: 1 },
    });
    s3.close();
  });

  it("writes a debug line per attempt and a warn line per retry", async () => {
    const server = await serve((index) =>
      index < 2
        ? { status: 503, body: errorXml("SlowDown", "Please reduce your request rate.") }
        : okText("ok"),
    );
    const { logger, lines } = recordingLogger();
    const s3 = fakeS3Client(server, { logger, maxRetries: 3 });
    expect(await s3.bucket("b").getText("k")).toBe("ok");
    expect(server.requests).toHaveLength(3);

    const requests = lines.filter((line) => line.level === "debug");
    expect(requests.map((line) => [line.message, line.fields.status, line.fields.attempt])).toEqual(
      [
        ["s3kit request failed", 503, 1],
        ["s3kit request failed", 503, 2],
        ["s3kit request", 200, 3],
      ],
    );
    for (const line of requests) {
      expect(line.fields).toMatchObject({ operation: "GetObject", bucket: "b", key: "k" });
    }
    expect(requests[0]?.fields.error).toBe("SlowDown");

    const retries = lines.filter((line) => line.level === "warn");
    expect(retries).toHaveLength(2);
    expect(
      retries.map((line) => [line.message, line.fields.retry, line.fields.maxRetries]),
    ).toEqual([
      ["s3kit retry", 1, 3],
      ["s3kit retry", 2, 3],
    ]);
    expect(retries[0]?.fields).toMatchObject({
      status: 503,
      error: "SlowDown",
      errorType: "THROTTLING",
    });
    expect(typeof retries[0]?.fields.delayMs).toBe("number");
    s3.close();
  });

  it("never logs a secret, in any field of any line", async () => {
    const server = await serve((index) =>
      index === 0
        ? {
            status: 500,
            body: errorXml("InternalError", `echo ${fakeCredentials.secretAccessKey}`),
          }
        : index === 1
          ? { status: 403, body: errorXml("SignatureDoesNotMatch", "nope") }
          : okText("ok"),
    );
    const { logger, lines } = recordingLogger();
    const s3 = fakeS3Client(server, {
      logger,
      credentials: { ...fakeCredentials, sessionToken },
    });
    await s3
      .bucket("b")
      .getText("k")
      .catch(() => {});
    await s3.bucket("b").put("k", "body", { metadata: { a: "1" } });
    await s3.bucket("b").presign("k");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    // The server really saw the credentials (signed requests, token header), the log did not.
    expect(server.requests[0]?.headers["x-amz-security-token"]).toBe(sessionToken);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(fakeCredentials.secretAccessKey);
    expect(everything).not.toContain(sessionToken);
    expect(everything).not.toMatch(/Signature=[0-9a-f]{16}/);
    s3.close();
  });

  it("a logger that throws does not break the operation", async () => {
    const server = await serve(() => okText("fine"));
    const s3 = fakeS3Client(server, {
      logger: {
        debug() {
          throw new Error("logger broke");
        },
      },
    });
    expect(await s3.bucket("b").getText("k")).toBe("fine");
    s3.close();
  });

  it("a logger with only some methods is fine, and console fits as is", async () => {
    const server = await serve((index) =>
      index === 0 ? { status: 503, body: errorXml("SlowDown", "slow") } : okText("x"),
    );
    const warned: string[] = [];
    const s3 = fakeS3Client(server, { logger: { warn: (message) => warned.push(message) } });
    expect(await s3.bucket("b").getText("k")).toBe("x");
    expect(warned).toEqual(["s3kit retry"]);
    s3.close();
    const typed: Logger = console;
    expect(typeof typed.debug).toBe("function");
  });
});

describe("s3kit never alters what it does not own", () => {
  /** A caller's own client for a fake server, configured the way the caller likes. */
  function callersClient(endpoint: string): S3Client {
    return new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: fakeCredentials,
      maxAttempts: 1,
    });
  }

  it("hardening 15: wrapping a caller's client any number of times leaves it exactly as it was", async () => {
    const server = await serve(() => okText("hi"));
    const client = callersClient(server.endpoint);
    const ownCall = async (Key: string) => {
      const own = await client.send(new GetObjectCommand({ Bucket: "b", Key }));
      expect(await own.Body?.transformToString()).toBe("hi");
    };
    // The SDK fills in some config on the first request (signing region…): snapshot after one.
    await ownCall("own-before");
    const stackBefore = client.middlewareStack.identify();
    const configBefore = { ...client.config };
    const first = recordingLogger();
    const second = recordingLogger();
    const a = new S3({ client, logger: first.logger });
    const b = new S3({ client, logger: second.logger });
    for (let i = 0; i < 5; i++) new S3({ client, logger: first.logger });

    expect(await a.bucket("b").getText("from-a")).toBe("hi");
    expect(await b.bucket("b").getText("from-b")).toBe("hi");
    await ownCall("own-after");

    // Each S3 logs its own request once; the caller's own call is logged by neither.
    const keys = (lines: Line[]) => lines.map((line) => [line.message, line.fields.key]);
    expect(keys(first.lines)).toEqual([["s3kit request", "from-a"]]);
    expect(keys(second.lines)).toEqual([["s3kit request", "from-b"]]);
    expect(server.requests).toHaveLength(4);
    expect(client.middlewareStack.identify()).toEqual(stackBefore);
    expect(Object.keys(client.config).sort()).toEqual(Object.keys(configBefore).sort());
    for (const [name, value] of Object.entries(configBefore)) {
      // The SDK re-measures the clock skew from every response's Date header.
      if (name === "systemClockOffset") continue;
      expect(Object.is(client.config[name as keyof typeof configBefore], value), name).toBe(true);
    }
    a.close();
    b.close();
    client.destroy();
  });

  it('hardening 16: put(k, "") writes nothing to the console; with a logger the SDK\'s warning goes there', async () => {
    const server = await serve(() => ({
      status: 200,
      headers: { etag: '"d41d8cd98f00b204e9800998ecf8427e"' },
    }));
    const spies = [
      vi.spyOn(console, "warn").mockImplementation(() => {}),
      vi.spyOn(console, "error").mockImplementation(() => {}),
      vi.spyOn(console, "log").mockImplementation(() => {}),
      vi.spyOn(console, "info").mockImplementation(() => {}),
      vi.spyOn(console, "debug").mockImplementation(() => {}),
      vi.spyOn(process, "emitWarning").mockImplementation(() => {}),
    ];
    try {
      const quiet = fakeS3Client(server);
      await quiet.bucket("b").put("empty.txt", "");
      await quiet.bucket("b").put("empty.bin", new Uint8Array(0));
      const { logger, lines } = recordingLogger();
      // The SDK's own path, which is where the warning comes from: the lean path has none.
      const logged = fakeS3Client(server, { logger, transport: "sdk" });
      await logged.bucket("b").put("empty.txt", "");
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      expect(server.requests).toHaveLength(3);
      const warnings = lines.filter((line) => line.level === "warn");
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]).toMatchObject({ message: "s3kit sdk warning" });
      expect(String(warnings[0]?.fields.warning)).toMatch(/unknown length/);
      quiet.close();
      logged.close();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
