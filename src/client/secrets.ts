import type { Stack } from "./command-middleware.js";
import type { Logger } from "./logger.js";

/** The secret parts of resolved credentials. */
export interface SecretIdentity {
  secretAccessKey?: string;
  sessionToken?: string;
}

/** Query-string values that sign or authorize a request (presigned URLs, logged URLs). */
const SIGNED_QUERY_VALUE =
  /(X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature)=([^&\s"'<]+)/gi;

/**
 * A session token in header form, as a SignatureDoesNotMatch body's CanonicalRequest carries
 * it ("x-amz-security-token:<token>"), also quoted as in a dumped headers object.
 */
const TOKEN_HEADER_VALUE = /(x-amz-security-token["']?\s*:\s*["']?)([^\s"',<]+)/gi;

/** "AB" → "41 42": how S3 spells bytes in the *Bytes fields of a SignatureDoesNotMatch body. */
function spacedHex(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join(" ");
}

/**
 * Resolved identities whose secrets are remembered, the ones used last: the current one and
 * many before it, for the requests still in flight when credentials rotate (an identity used
 * again becomes the newest). Remembering every one would grow with each rotation (hourly for
 * temporary credentials), and every redaction would slow down.
 */
const RECENT_IDENTITIES = 32;

/**
 * The secret strings of this S3 instance (secret access keys, session tokens), so that no
 * error or log line ever shows one, plus the signature-bearing parts of URLs and headers.
 * Secrets given at construction (options, environment) are kept for good; those of resolved
 * identities only for the RECENT_IDENTITIES latest.
 */
export class Secrets {
  readonly #pinned = new Set<string>();
  /** Spellings of the recent identities' secrets, oldest identity first. */
  readonly #recent: string[][] = [];
  /** The secrets of the identity added last, already remembered: a repeat costs no spelling. */
  #last: SecretIdentity = {};

  /** Remembers a secret for good; short or empty strings are ignored so as not to mangle text. */
  add(value: string | undefined): void {
    for (const spelling of spellings(value)) this.#pinned.add(spelling);
  }

  /** Remembers the secret key and session token of resolved credentials (see RECENT_IDENTITIES). */
  addIdentity(identity: SecretIdentity | undefined): void {
    const secretAccessKey = identity?.secretAccessKey;
    const sessionToken = identity?.sessionToken;
    if (
      secretAccessKey === this.#last.secretAccessKey &&
      sessionToken === this.#last.sessionToken
    ) {
      return;
    }
    this.#remember(identity);
    this.#last = { secretAccessKey, sessionToken };
  }

  #remember(identity: SecretIdentity | undefined): void {
    const values = [
      ...spellings(identity?.secretAccessKey),
      ...spellings(identity?.sessionToken),
    ].filter((value) => !this.#pinned.has(value));
    if (values.length === 0) return;
    const key = values.join("\n");
    const known = this.#recent.findIndex((recent) => recent.join("\n") === key);
    if (known !== -1) {
      // Already the newest: nothing to move (the common case, once per request).
      if (known === this.#recent.length - 1) return;
      this.#recent.splice(known, 1);
    }
    this.#recent.push(values);
    if (this.#recent.length > RECENT_IDENTITIES) this.#recent.shift();
  }

  /** How many secret spellings are remembered (for tests of the bound). */
  get size(): number {
    return this.#pinned.size + this.#recent.reduce((sum, values) => sum + values.length, 0);
  }

  /** Returns `text` with every known secret and every URL signature or token replaced. */
  redact(text: string): string {
    let clean = redactAll(text, this.#pinned);
    for (const values of this.#recent) clean = redactAll(clean, values);
    return clean
      .replace(SIGNED_QUERY_VALUE, "$1=[REDACTED]")
      .replace(TOKEN_HEADER_VALUE, "$1[REDACTED]");
  }
}

/** `text` with each of `values` replaced; called for every log line, so it allocates only on a hit. */
function redactAll(text: string, values: Iterable<string>): string {
  let clean = text;
  for (const value of values) {
    if (clean.includes(value)) clean = clean.split(value).join("[REDACTED]");
  }
  return clean;
}

/** A secret as text may hold it: itself and its spaced hex; none for short or empty strings. */
function spellings(value: string | undefined): string[] {
  return value && value.length >= 8 ? [value, spacedHex(value)] : [];
}

/** The input members holding an SSE-C key or its MD5 (base64), a copy source's too. */
const CUSTOMER_KEY_MEMBERS = [
  "SSECustomerKey",
  "SSECustomerKeyMD5",
  "CopySourceSSECustomerKey",
  "CopySourceSSECustomerKeyMD5",
];

/**
 * Remembers for good the SSE-C keys a request's `input` sends, in every spelling text may
 * hold one: base64 (as sent, and as a SignatureDoesNotMatch body spells its bytes), its MD5,
 * and the key's bytes in hex, plain or spaced (as Node prints a Buffer). Each distinct key
 * costs a few strings for the life of the S3 instance.
 */
export function recordCustomerKeys(secrets: Secrets, input: Record<string, unknown>): void {
  for (const member of CUSTOMER_KEY_MEMBERS) {
    const value = input[member];
    if (typeof value !== "string") continue;
    secrets.add(value);
    if (member.endsWith("MD5")) continue;
    const bytes = Array.from(atob(value), (char) =>
      char.charCodeAt(0).toString(16).padStart(2, "0"),
    );
    secrets.add(bytes.join(""));
    secrets.add(bytes.join(" "));
  }
}

/**
 * `logger` with every line's message and string fields passed through `secrets.redact`: one
 * guard for every line s3kit writes (requests, retries, resumes, the SDK's warnings).
 */
export function redactingLogger(logger: Logger, secrets: Secrets): Logger {
  const guarded: Logger = {};
  for (const level of ["debug", "info", "warn", "error"] as const) {
    const method = logger[level];
    if (typeof method !== "function") continue;
    guarded[level] = (message, fields) => {
      const clean: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(fields)) {
        clean[name] = typeof value === "string" ? secrets.redact(value) : value;
      }
      method.call(logger, secrets.redact(message), clean);
    };
  }
  return guarded;
}

/** Where the SDK keeps, per command, the auth scheme and identity it chose to sign with. */
const SMITHY_CONTEXT = "__smithy_context";

interface SigningContext {
  selectedHttpAuthScheme?: { identity?: SecretIdentity };
}

/**
 * Registers the secrets of the identity that signs one command, whatever resolved it (options,
 * env, profile, SSO, instance or container role, S3 Express sessions) and whoever owns the
 * client: the build step runs after the SDK chose the identity and before any attempt is
 * sent, so whatever a response echoes of it is already known when the error is mapped. It
 * reads the command's context only; the client and its provider are left as they are.
 */
export function recordSigningIdentity(stack: Stack, secrets: Secrets): void {
  stack.add(
    (next, context) => (args) => {
      const signing = (context as Record<string, unknown>)[SMITHY_CONTEXT] as
        | SigningContext
        | undefined;
      secrets.addIdentity(signing?.selectedHttpAuthScheme?.identity);
      return next(args);
    },
    { step: "build", priority: "high", name: "s3kitSigningSecrets", override: true },
  );
}
