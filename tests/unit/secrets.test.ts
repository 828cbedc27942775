import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { AccessDeniedError, type Logger, S3, type S3Options } from "../../src/index.js";
import { rejection } from "../helpers/assertions.js";
import { type FakeReply, okText, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";

// A 403 SignatureDoesNotMatch body as S3 sends it: the SDK copies every field onto the error,
// and CanonicalRequest (plain and as hex bytes) holds the session token the request carried.
// This store also echoes the secret key, as a store that says too much might.

const accessKeyId = "AKIASECRETSTEST00001";
const secretAccessKey = "s3kitTestSecret/Key+0123456789abcdefghij";
const sessionToken = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+s3kit+token";

const hex = (text: string) =>
  Array.from(Buffer.from(text), (byte) => byte.toString(16).padStart(2, "0")).join(" ");

function signatureMismatch(request: SeenRequest): FakeReply {
  const token = String(request.headers["x-amz-security-token"] ?? "");
  const canonical = `GET\n/b/k\n\nhost:${request.headers.host}\nx-amz-security-token:${token}\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD`;
  const body = [
    "<Error><Code>SignatureDoesNotMatch</Code>",
    "<Message>The request signature we calculated does not match the signature you provided.</Message>",
    `<AWSAccessKeyId>${accessKeyId}</AWSAccessKeyId>`,
    `<StringToSign>AWS4-HMAC-SHA256\n20250101T000000Z\n${hex(canonical).slice(0, 20)}</StringToSign>`,
    `<CanonicalRequest>${canonical}</CanonicalRequest>`,
    `<CanonicalRequestBytes>${hex(canonical)}</CanonicalRequestBytes>`,
    `<Detail><Echo>${secretAccessKey}</Echo><Query>X-Amz-Security-Token=${token}</Query></Detail>`,
    "<RequestId>req-403</RequestId></Error>",
  ].join("");
  return { status: 403, body };
}

interface Recorded {
  logger: Logger;
  lines: unknown[];
}

function recordingLogger(): Recorded {
  const lines: unknown[] = [];
  const record = (message: string, fields: Record<string, unknown>) =>
    lines.push({ message, fields });
  return { lines, logger: { debug: record, info: record, warn: record, error: record } };
}

/** Every rendering of an error a user might print or ship to a log service. */
function renderings(error: Error, lines: unknown[]): string[] {
  return [
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(error),
    JSON.stringify(error.cause),
    String(error.stack),
    String(error),
    JSON.stringify(lines),
  ];
}

const fakes = useFakeS3();

/** Sets environment variables for one test; afterEach puts the previous values back. */
const savedEnv = new Map<string, string | undefined>();
function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
const tempDirs: string[] = [];
afterEach(() => {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  savedEnv.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** No credentials from the environment, and only the given profile file: a clean default chain. */
function isolateCredentialChain(profileFile?: string): void {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-secrets-"));
  tempDirs.push(dir);
  setEnv({
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: profileFile ?? join(dir, "credentials"),
    // The chain must end at the profile, never ask an instance metadata service.
    AWS_EC2_METADATA_DISABLED: "true",
  });
}

function profileFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "s3kit-profile-"));
  tempDirs.push(dir);
  const file = join(dir, "credentials");
  writeFileSync(
    file,
    `[s3kit-test]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\naws_session_token = ${sessionToken}\n`,
  );
  return file;
}

type Source = (endpoint: string) => S3Options;

const callersClient = (credentials?: S3ClientCredentials) => (endpoint: string) => ({
  client: new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials }),
});
type S3ClientCredentials = NonNullable<ConstructorParameters<typeof S3Client>[0]>["credentials"];

const sources: Array<[string, () => void, Source]> = [
  [
    "static credentials",
    () => isolateCredentialChain(),
    () => ({ credentials: { accessKeyId, secretAccessKey, sessionToken } }),
  ],
  [
    "a credentials provider function",
    () => isolateCredentialChain(),
    () => ({ credentials: async () => ({ accessKeyId, secretAccessKey, sessionToken }) }),
  ],
  [
    "environment variables",
    () => {
      isolateCredentialChain();
      setEnv({
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_SESSION_TOKEN: sessionToken,
      });
    },
    () => ({}),
  ],
  [
    "a shared-credentials-file profile (the SDK's default chain)",
    () => {
      isolateCredentialChain(profileFile());
      setEnv({ AWS_PROFILE: "s3kit-test" });
    },
    () => ({}),
  ],
  [
    "a caller's client with a provider function",
    () => isolateCredentialChain(),
    callersClient(async () => ({ accessKeyId, secretAccessKey, sessionToken })),
  ],
  [
    "a caller's client on a profile",
    () => {
      isolateCredentialChain(profileFile());
      setEnv({ AWS_PROFILE: "s3kit-test" });
    },
    callersClient(),
  ],
];

describe("no secret in any rendering of an error or a log line", () => {
  it.each(sources)(
    "hardening 9: a 403 echoing the token and secret, with %s",
    async (_label, prepare, source) => {
      prepare();
      const server = await fakes.start(signatureMismatch);
      const { logger, lines } = recordingLogger();
      const options = source(server.endpoint);
      const s3 = new S3(
        options.client
          ? { ...options, logger }
          : { endpoint: server.endpoint, region: "us-east-1", maxRetries: 0, ...options, logger },
      );
      try {
        const error = (await rejection(s3.bucket("b").getText("k"))) as Error;
        // The request really carried the token, and the answer really echoed it.
        expect(server.requests[0]?.headers["x-amz-security-token"]).toBe(sessionToken);
        expect(error).toBeInstanceOf(AccessDeniedError);
        expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).toContain("CanonicalRequest");
        expect(lines.length).toBeGreaterThan(0);
        for (const text of renderings(error, lines)) {
          expect(text).not.toContain(secretAccessKey);
          expect(text).not.toContain(sessionToken);
          expect(text).not.toContain(hex(sessionToken));
          expect(text).not.toContain(hex(secretAccessKey));
        }
        expect(JSON.stringify(error.cause)).toContain("x-amz-security-token:[REDACTED]");
      } finally {
        s3.close();
        options.client?.destroy();
      }
    },
  );

  it("hardening 9: an unregistered token is still redacted in header and query form", async () => {
    const server = await fakes.start(signatureMismatch);
    // The client signs with a token s3kit never saw resolved (a client with a custom signer
    // would do this); the patterns still catch it.
    isolateCredentialChain();
    const s3 = new S3({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId, secretAccessKey: "short", sessionToken: "tok-123" },
    });
    try {
      const error = (await rejection(s3.bucket("b").getText("k"))) as Error;
      const cause = JSON.stringify(error.cause);
      expect(cause).not.toContain("tok-123");
      expect(cause).toContain("x-amz-security-token:[REDACTED]");
      expect(cause).toContain("X-Amz-Security-Token=[REDACTED]");
    } finally {
      s3.close();
    }
  });
});

describe("no secret where the SDK hides raw material", () => {
  /** An S3 for `server` signing with the session token, and the error its getText fails with. */
  async function failedRead(reply: (request: SeenRequest) => FakeReply) {
    isolateCredentialChain();
    const server = await fakes.start(reply);
    const s3 = new S3({
      endpoint: server.endpoint,
      region: "us-east-1",
      maxRetries: 0,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
    });
    try {
      return (await rejection(s3.bucket("b").getText("k"))) as Error & { cause: unknown };
    } finally {
      s3.close();
    }
  }
  const everything = (error: Error) =>
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true });
  const token = (request: SeenRequest) => String(request.headers["x-amz-security-token"]);

  it("hardening 9: a token nested twelve elements deep in an error body is redacted", async () => {
    const open = Array.from({ length: 12 }, (_, i) => `<L${i}>`).join("");
    const close = Array.from({ length: 12 }, (_, i) => `</L${11 - i}>`).join("");
    const error = await failedRead((request) => ({
      status: 400,
      body: `<Error><Code>InvalidRequest</Code><Message>bad</Message>${open}${token(request)}${close}</Error>`,
    }));
    expect(JSON.stringify(error.cause)).toContain('"L11":"[REDACTED]"');
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(sessionToken);
    expect(everything(error)).not.toContain(sessionToken);
  });

  it("hardening 9: the raw response on the cause ($response) keeps its headers, redacted", async () => {
    const error = await failedRead((request) => ({
      status: 400,
      headers: { "x-echo-token": token(request) },
      body: "<Error><Code>InvalidRequest</Code><Message>bad</Message></Error>",
    }));
    const response = (error.cause as { $response: { statusCode: number; headers: object } })
      .$response;
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ "x-echo-token": "[REDACTED]" });
    // Its body stream was read to the end by the SDK; it still held the signed request.
    expect(everything(error)).not.toContain(sessionToken);
  });

  it("hardening 9: a body the SDK could not parse is redacted wherever the SDK kept it", async () => {
    const error = await failedRead((request) => ({
      status: 400,
      headers: { "content-type": "text/plain" },
      body: `Bad request from proxy: x-amz-security-token ${token(request)}`,
    }));
    // The SDK keeps the text read-only on its error, too: the cause is a redacted copy of it.
    // The SDK's cause says "XML parse error", the lean path's is the status's Unknown error.
    expect(error.cause).toBeInstanceOf(Error);
    expect(String(error.cause)).toMatch(/XML parse error|^Unknown: UnknownError$/);
    const response = (error.cause as { $response: { body: unknown } }).$response;
    expect(response.body).toBe("Bad request from proxy: x-amz-security-token [REDACTED]");
    expect(everything(error)).toContain("Bad request from proxy");
    expect(everything(error)).not.toContain(sessionToken);
  });
});

describe("a caller's client with its own SDK logger", () => {
  /** A client of the caller's, logging every SDK log call (rendered deeply) into `lines`. */
  function loggingClient(endpoint: string) {
    const lines: string[] = [];
    const calls: unknown[][] = [];
    const sink = (...args: unknown[]) => {
      calls.push(args);
      lines.push(inspect(args, { depth: 10 }));
    };
    const client = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      logger: { debug: sink, info: sink, warn: sink, error: sink },
    });
    return { client, lines, calls };
  }
  const loggedErrors = (calls: unknown[][]) =>
    calls.flatMap((args) => args.map((arg) => (arg as { error?: unknown } | null)?.error));

  it("hardening 9: gets the store's own error, redacted, when it ends a read", async () => {
    isolateCredentialChain();
    const server = await fakes.start(signatureMismatch);
    const { client, lines, calls } = loggingClient(server.endpoint);
    const s3 = new S3({ client });
    try {
      await rejection(s3.bucket("b").getText("k"));
      const [error] = loggedErrors(calls).filter((value) => value !== undefined);
      expect(error).toMatchObject({ name: "SignatureDoesNotMatch" });
      expect(lines.join("\n")).toContain("x-amz-security-token:[REDACTED]");
      for (const line of lines) {
        expect(line).not.toContain(sessionToken);
        expect(line).not.toContain(secretAccessKey);
      }
    } finally {
      client.destroy();
    }
  });

  it("hardening 9: gets a redacted copy of an error holding the token read-only ($responseBodyText)", async () => {
    isolateCredentialChain();
    const server = await fakes.start((request) => ({
      status: 400,
      headers: { "content-type": "text/html" },
      body: `<html>proxy refused x-amz-security-token ${request.headers["x-amz-security-token"]}</html`,
    }));
    const { client, calls } = loggingClient(server.endpoint);
    const s3 = new S3({ client, maxRetries: 0 });
    try {
      await rejection(s3.bucket("b").getText("k"));
      const errors = loggedErrors(calls).filter((value) => value !== undefined);
      expect(errors).toHaveLength(1);
      const logged = errors[0] as Error & { $responseBodyText?: string };
      // The SDK's own error, as far as the logger can tell: its class, its fields.
      expect(logged).toBeInstanceOf(Error);
      expect(logged.$responseBodyText).toBe(
        "<html>proxy refused x-amz-security-token [REDACTED]</html",
      );
      const rendered = inspect(errors, { depth: Number.POSITIVE_INFINITY, showHidden: true });
      expect(rendered).not.toContain(sessionToken);
    } finally {
      client.destroy();
    }
  });

  it("hardening 9: gets GetObject's output with its Body stream as a placeholder, never the stream holding the signed request", async () => {
    isolateCredentialChain();
    const modified = new Date("2025-01-02T03:04:05Z");
    const server = await fakes.start(() =>
      okText("hello", { "last-modified": modified.toUTCString() }),
    );
    const { client, calls } = loggingClient(server.endpoint);
    const s3 = new S3({ client });
    try {
      expect(await s3.bucket("b").getText("k")).toBe("hello");
      // The request really carried the token.
      expect(server.requests[0]?.headers["x-amz-security-token"]).toBe(sessionToken);
      const everything = inspect(calls, { depth: Number.POSITIVE_INFINITY, showHidden: true });
      expect(everything).not.toContain(sessionToken);
      expect(everything).not.toContain(secretAccessKey);
      const outputs = calls.flatMap((args) =>
        args.map((arg) => (arg as { output?: Record<string, unknown> } | null)?.output),
      );
      const output = outputs.find((value) => value !== undefined);
      // The rest of the output as the SDK logged it, Dates and all.
      expect(output).toMatchObject({ Body: "[IncomingMessage]", ETag: '"e1"' });
      expect(output?.LastModified).toEqual(modified);
    } finally {
      client.destroy();
    }
  });

  it("hardening 9: gets the store's own error, never s3kit's retry-budget wrapper", async () => {
    isolateCredentialChain();
    const server = await fakes.start((request) => ({
      status: 503,
      body: `<Error><Code>SlowDown</Code><Message>slow down, ${request.headers["x-amz-security-token"]}</Message></Error>`,
    }));
    const { client, lines, calls } = loggingClient(server.endpoint);
    // One attempt per key: the first 503 spends deleteMany's budget.
    const s3 = new S3({ client, maxRetries: 0 });
    try {
      const result = await s3.bucket("b").deleteMany(["k"]);
      expect(result.failed).toMatchObject([{ key: "k", code: "SlowDown" }]);
      const errors = loggedErrors(calls).filter((value) => value !== undefined);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ name: "SlowDown", message: "slow down, [REDACTED]" });
      for (const line of lines) expect(line).not.toContain(sessionToken);
    } finally {
      client.destroy();
    }
  });
});

const bucketOf = (s3: S3) => s3.bucket("b");

describe("credentials that rotate", () => {
  it("are remembered for the latest identities only, so redaction does not grow with every rotation", async () => {
    let rotation = 0;
    const tokens: string[] = [];
    const { s3 } = await fakes.serve(() => ({ status: 200, headers: { etag: '"e1"' } }), {
      // Already expired: the SDK resolves them again for every request.
      credentials: async () => {
        rotation++;
        const sessionToken = `rotating-session-token-${rotation}-${"x".repeat(40)}`;
        tokens.push(sessionToken);
        return {
          accessKeyId: "AKIAROTATING0001",
          secretAccessKey: `rotating/secret/${rotation}/${"y".repeat(30)}`,
          sessionToken,
          expiration: new Date(Date.now() - 1),
        };
      },
    });
    const bucket = s3.bucket("b");
    for (let i = 0; i < 80; i++) await bucket.exists("k");
    expect(rotation).toBeGreaterThanOrEqual(80);
    const { secrets } = bucket.context;
    expect(secrets.redact(`token ${tokens.at(-1)}`)).toBe("token [REDACTED]");
    // 32 identities of two secrets, each in two spellings.
    expect(secrets.size).toBeLessThanOrEqual(32 * 4);
  });

  it("keep an identity used again among the newest, however many others came between", () => {
    const secrets = bucketOf(new S3({ region: "us-east-1" })).context.secrets;
    const identity = (n: number) => ({
      secretAccessKey: `secret-key-number-${n}-${"k".repeat(20)}`,
      sessionToken: `session-token-number-${n}-${"t".repeat(20)}`,
    });
    const base = identity(0);
    secrets.addIdentity(base);
    for (let n = 1; n <= 100; n++) {
      secrets.addIdentity(base); // still signing: an S3 Express session beside the base, say
      secrets.addIdentity(identity(n));
    }
    expect(secrets.redact(`t=${base.sessionToken}`)).toBe("t=[REDACTED]");
    expect(secrets.redact(`t=${identity(100).sessionToken}`)).toBe("t=[REDACTED]");
  });
});
