import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { Logger } from "../../src/index.js";
import { type FakeReply, type SeenRequest, useFakeS3 } from "../helpers/fake-s3.js";
import { type Call, callsNamed } from "../helpers/lean-calls.js";

// The lean path makes its own errors (from S3's XML, from a broken connection, from a 200 that
// is no S3 answer) and its own log lines. A store that echoes the session token and secret key
// back (in the error's Code, Message and fields, in headers, in a Location, in a page) must not
// get them into any rendering of the error or any log line, on either path, with credentials
// that rotate (a new secret and token for every request).

const fakes = useFakeS3();

/** Credentials that change on every use: their secrets are known only once the provider ran. */
function rotating() {
  const issued: Array<{ secretAccessKey: string; sessionToken: string }> = [];
  const credentials = async () => {
    const n = issued.length + 1;
    const identity = {
      accessKeyId: `AKIAROTATINGSECRET${n}`,
      secretAccessKey: `rotating/Secret+${n}/0123456789abcdefghijklmn`,
      sessionToken: `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3Qt${n}+token`,
      expiration: new Date(Date.now() + 60_000),
    };
    issued.push(identity);
    return identity;
  };
  return { issued, credentials };
}

/** The token and secret the request was signed with, as a store could learn the secret. */
function secretsOf(
  request: SeenRequest,
  issued: Array<{ secretAccessKey: string; sessionToken: string }>,
) {
  const token = String(request.headers["x-amz-security-token"]);
  const secret = issued.find((identity) => identity.sessionToken === token)?.secretAccessKey ?? "";
  return { token, secret };
}

/** A store echoing what signed each request into its `answer`. */
type Echo = (token: string, secret: string) => FakeReply;

function recording(): { logger: Logger; lines: unknown[] } {
  const lines: unknown[] = [];
  const record = (message: string, fields: Record<string, unknown>) =>
    lines.push({ message, fields });
  return { lines, logger: { debug: record, info: record, warn: record, error: record } };
}

const ECHOES: Record<string, Echo> = {
  "a 503 naming them as its Code, Message, fields and headers": (token, secret) => ({
    status: 503,
    headers: { "x-echo-token": token, "x-echo-secret": secret, "retry-after": "0" },
    body: `<Error><Code>${token}</Code><Message>token ${token} secret ${secret}</Message><Token>${token}</Token><Deep><Deeper>${secret}</Deeper></Deep></Error>`,
  }),
  "a 301 whose Location carries a presigned URL": (token) => ({
    status: 301,
    headers: {
      location: `http://127.0.0.1:1/b/k?X-Amz-Security-Token=${encodeURIComponent(token)}&X-Amz-Signature=abc123`,
    },
    body: `<Error><Code>PermanentRedirect</Code><Message>go to X-Amz-Security-Token=${token}</Message></Error>`,
  }),
  "a 200 carrying an <Error> that echoes them": (token, secret) => ({
    status: 200,
    body: `<Error><Code>InternalError</Code><Message>${token} ${secret}</Message></Error>`,
  }),
  "an error document cut off right after echoing them": (token, secret) => ({
    status: 400,
    body: `<Error><Code>InvalidRequest</Code><Message>${token} ${secret}`,
    contentLength: 10_000,
    after: "reset",
  }),
  "a proxy's page echoing them with a 200": (token, secret) => ({
    status: 200,
    headers: { "content-type": "text/html", "x-echo-token": token },
    body: `<html>${token} ${secret}</html>`,
  }),
};

const CALLS = callsNamed("getText", "head", "put", "delete", "getTags", "setTags");

const rows = Object.keys(ECHOES).flatMap((echo) => Object.keys(CALLS).map((call) => [echo, call]));

describe.each(["lean", "sdk"] as const)(
  "no secret in an error or a log line, on the %s path",
  (transport) => {
    it.each(rows)("%s, answering %s", async (echo, call) => {
      const { issued, credentials } = rotating();
      const { logger, lines } = recording();
      const answer = ECHOES[echo] as Echo;
      const { server, s3 } = await fakes.serve(
        (request) => {
          if (request.method === "HEAD" && request.url === "/b") return { status: 200 };
          const { token, secret } = secretsOf(request, issued);
          return answer(token, secret);
        },
        { transport, credentials, maxRetries: 1, logger },
      );
      const outcome = await (CALLS[call] as Call)(s3.bucket("b")).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      // The requests really carried the tokens, each a new one.
      const tokens = server.requests.map((request) =>
        String(request.headers["x-amz-security-token"]),
      );
      expect(new Set(tokens).size).toBe(tokens.length);
      // A value read (getText's body) is the store's data; an error and the log lines are ours.
      const error = "error" in outcome ? (outcome.error as Error) : undefined;
      const renderings = [
        inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
        String(error?.stack),
        String(JSON.stringify(error)),
        String(JSON.stringify(error?.cause)),
        JSON.stringify(lines),
      ];
      for (const identity of issued) {
        for (const text of renderings) {
          expect(text).not.toContain(identity.sessionToken);
          expect(text).not.toContain(identity.secretAccessKey);
        }
      }
    });
  },
);
