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
 * The secret strings of this S3 instance (secret access keys, session tokens), so that no
 * error or log line ever shows one, plus the signature-bearing parts of URLs and headers.
 */
export class Secrets {
  readonly #values = new Set<string>();

  /** Remembers a secret; short or empty strings are ignored so as not to mangle text. */
  add(value: string | undefined): void {
    if (!value || value.length < 8 || this.#values.has(value)) return;
    this.#values.add(value);
    this.#values.add(spacedHex(value));
  }

  /** Remembers the secret key and session token of resolved credentials. */
  addIdentity(identity: SecretIdentity | undefined): void {
    this.add(identity?.secretAccessKey);
    this.add(identity?.sessionToken);
  }

  /** Returns `text` with every known secret and every URL signature or token replaced. */
  redact(text: string): string {
    let clean = text;
    for (const value of this.#values) {
      if (clean.includes(value)) clean = clean.split(value).join("[REDACTED]");
    }
    return clean
      .replace(SIGNED_QUERY_VALUE, "$1=[REDACTED]")
      .replace(TOKEN_HEADER_VALUE, "$1[REDACTED]");
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
