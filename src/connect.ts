import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { anonymousAuth } from "./client/anonymous-auth.js";
import { withCommandMiddleware } from "./client/command-middleware.js";
import type { ClientContext } from "./client/context.js";
import { EndpointCache } from "./client/endpoint.js";
import { environment } from "./client/environment.js";
import { followBucketRegion } from "./client/follow-bucket-region.js";
import { LeanTransport } from "./client/lean/lean-transport.js";
import type { Logger } from "./client/logger.js";
import { addRequestLog, routeSdkLogs } from "./client/request-log.js";
import type { RetryPolicy } from "./client/retry-policy.js";
import { PolicyRetryStrategy } from "./client/retry-strategy.js";
import { recordSigningIdentity, redactingLogger, Secrets } from "./client/secrets.js";
import { tolerateUserAgentFailure } from "./client/user-agent.js";
import { anonymousOption } from "./common/anonymous-option.js";
import { numberOption } from "./common/checks.js";
import { flagOption } from "./common/flag-option.js";
import { ValidationError } from "./errors/validation-error.js";

/**
 * What `credentials` accepts: the SDK's static credentials or a provider of them.
 * @inline
 */
type Credentials = NonNullable<S3ClientConfig["credentials"]>;

/**
 * The options of every S3, whether it builds its client or is given one.
 * @inline
 */
interface CommonOptions {
  /**
   * Retries after the first attempt, for throttling, 5xx and network errors.
   * @default 3
   */
  maxRetries?: number;
  /**
   * Base backoff delay in ms (full jitter, doubling).
   * @default 100
   */
  retryDelay?: number;
  /**
   * Cap on one backoff delay in ms.
   * @default 30000
   */
  maxRetryDelay?: number;
  /** Structured log lines for requests, retries and resumes. */
  logger?: Logger;
  /**
   * Agree to pay for requests to requester-pays buckets: every request of every scope says
   * `x-amz-request-payer: requester` (a scope's `requestPayer: false` turns it off there).
   * README, "Requester pays".
   * @default `AWS_REQUESTER_PAYS` ("true" or "false") when set, else `false`
   */
  requestPayer?: boolean;
}

/**
 * The options s3kit builds its S3Client from: none of them may be given with `client`.
 * @inline
 */
interface ConnectionOptions {
  /**
   * AWS region.
   * @default `"us-east-1"` with a custom endpoint and neither `AWS_REGION` nor
   * `AWS_DEFAULT_REGION` set; else the SDK's chain (`AWS_REGION`, the profile…)
   */
  region?: string;
  /**
   * A custom endpoint (MinIO, R2, Ceph, LocalStack…).
   * @default `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, else AWS's own
   */
  endpoint?: string;
  /**
   * Path-style URLs (endpoint/bucket/key).
   * @default `true` with a custom endpoint, else `false`
   */
  forcePathStyle?: boolean;
  /** Static credentials or a provider; else env / profile / instance role. */
  credentials?: Credentials;
  /**
   * Send every request unsigned, as anyone on the internet: for public buckets. No credentials
   * are looked for anywhere (not `credentials`, which it refuses beside it, nor the env,
   * profile or instance role); what the bucket's policy does not allow anyone fails with
   * AccessDeniedError. `presign` gives a public object's plain URL, `presignPost` refuses.
   * README, "Public buckets".
   * @default `AWS_SKIP_SIGNATURE` ("true" or "false") when set, else `false`
   */
  anonymous?: boolean;
  /**
   * Milliseconds a request's connection may stay silent (nothing sent, nothing received)
   * before the request fails with a retryable TimeoutError, which the SDK retries (and a
   * read resumes after). It bounds every request, so none can hang forever on a dead
   * connection; a slow but moving transfer never reaches it. Long server-side operations
   * are safe: during a long CopyObject, UploadPartCopy or CompleteMultipartUpload S3 keeps
   * the connection alive by sending whitespace. `stream()`'s `idleTimeout` (30 s) usually
   * notices a stalled read first. Applies to the client s3kit builds, not to one passed in.
   * @default 120000
   */
  requestTimeout?: number;
  /**
   * "when-supported" sends CRC32 checksums on every upload (the SDK default, kept for AWS);
   * "when-required" only where S3 demands one (the default with a custom endpoint, since
   * many S3-compatible stores reject or mis-store aws-chunked checksummed uploads).
   * @default `"when-required"` with a custom endpoint, else `"when-supported"`
   */
  checksums?: "when-supported" | "when-required";
  /**
   * How requests travel. "lean": simple object requests (put, get, head, delete of objects,
   * parts of uploads) are signed with the SDK's SigV4 signer and sent straight over HTTP
   * (Node's http module with keep-alive on Node, fetch elsewhere), skipping the SDK's
   * per-request middleware pipeline; everything else, and any request using an option the
   * lean path does not cover (a checksum algorithm for the SDK to compute), goes through the SDK. "sdk":
   * every request through the SDK's S3Client. Both keep the same promises (retries, errors,
   * timeouts, aborts, redaction, logging).
   * @default `S3KIT_TRANSPORT` when set, else `"lean"`
   */
  transport?: "lean" | "sdk";
}

/**
 * Options of `new S3()`. Everything is optional; the SDK's own chain fills the gaps. Either
 * the connection options (region, endpoint, forcePathStyle, credentials, anonymous,
 * requestTimeout, checksums, transport) or a `client` of your own, configured as you like: not both.
 */
export type S3Options =
  | (CommonOptions &
      ConnectionOptions & {
        /** None here: s3kit builds its client from the connection options. */
        client?: never;
      })
  | (CommonOptions & { [Name in keyof ConnectionOptions]?: never } & {
      /** Use this S3Client instead of building one; then no connection option may be given. */
      client: S3Client;
    });

/** Two minutes of silence: twice the read timeout boto3 has long used against S3. */
const DEFAULT_REQUEST_TIMEOUT = 120_000;

/** The connection options, in the order a refusal names them: the type's keys, every one. */
const CONNECTION_OPTIONS: Record<keyof ConnectionOptions, true> = {
  region: true,
  endpoint: true,
  forcePathStyle: true,
  credentials: true,
  anonymous: true,
  requestTimeout: true,
  checksums: true,
  transport: true,
};

function resolvePolicy(options: S3Options): RetryPolicy {
  numberOption(options.maxRetries, "maxRetries", 0, 100);
  if (options.maxRetries !== undefined && !Number.isInteger(options.maxRetries)) {
    throw new ValidationError("S3 options: maxRetries must be a whole number", { operation: "S3" });
  }
  numberOption(options.retryDelay, "retryDelay", 0, 3_600_000);
  numberOption(options.maxRetryDelay, "maxRetryDelay", 0, 3_600_000);
  numberOption(options.requestTimeout, "requestTimeout", 1, 86_400_000);
  return {
    maxRetries: options.maxRetries ?? 3,
    retryDelay: options.retryDelay ?? 100,
    maxRetryDelay: options.maxRetryDelay ?? 30_000,
  };
}

/**
 * A client passed in comes alone: the type says so, and this says it to JavaScript callers.
 * @throws ValidationError naming the connection options given with it, or for a client that
 * is not an S3Client.
 */
function checkOwnClient(options: S3Options): void {
  if (!options.client) return;
  const conflicting = (Object.keys(CONNECTION_OPTIONS) as Array<keyof ConnectionOptions>).filter(
    (name) => options[name] !== undefined,
  );
  if (conflicting.length > 0) {
    throw new ValidationError(
      `S3 options: ${conflicting.join(", ")} cannot be combined with client; configure that client instead`,
      { operation: "S3" },
    );
  }
  if (!(options.client instanceof S3Client)) {
    throw new ValidationError("S3 options: client must be an S3Client", { operation: "S3" });
  }
}

function configuredEndpoint(options: ConnectionOptions): string | undefined {
  const env = environment();
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === "") return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ValidationError(`S3 options: endpoint ${JSON.stringify(endpoint)} is not a URL`, {
      operation: "S3",
    });
  }
  // The SDK joins a base path ending in "/" to a virtual-hosted key as "/base//key", where
  // s3kit's own requests and presigned URLs say "/base/key": without the "/" both agree.
  return url.search === "" && url.hash === "" ? endpoint.replace(/\/+$/, "") : endpoint;
}

/**
 * Makes the client's credential provider (whatever resolves them: options, env, profile, SSO,
 * instance or container role) record the secrets it hands out, before any request is signed.
 */
function recordCredentials(client: S3Client, secrets: Secrets): void {
  const resolve = client.config.credentials;
  client.config.credentials = async (...args: Parameters<typeof resolve>) => {
    const identity = await resolve(...args);
    secrets.addIdentity(identity);
    return identity;
  };
}

/** The checksums setting: as given, else by the endpoint (see ConnectionOptions.checksums). */
function checksumsOf(options: ConnectionOptions): "when-supported" | "when-required" {
  const { checksums } = options;
  if (checksums !== undefined && checksums !== "when-supported" && checksums !== "when-required") {
    throw new ValidationError('S3 options: checksums must be "when-supported" or "when-required"', {
      operation: "S3",
    });
  }
  return checksums ?? (configuredEndpoint(options) ? "when-required" : "when-supported");
}

/** The transport: as given, else S3KIT_TRANSPORT, else "lean". */
function transportOf(options: ConnectionOptions): "lean" | "sdk" {
  const fromEnv = environment().S3KIT_TRANSPORT || undefined;
  const transport = options.transport ?? fromEnv ?? "lean";
  if (transport !== "lean" && transport !== "sdk") {
    const source = options.transport === undefined ? "the S3KIT_TRANSPORT variable" : "transport";
    throw new ValidationError(`S3 options: ${source} must be "lean" or "sdk"`, { operation: "S3" });
  }
  return transport;
}

/** The lean request path beside the client s3kit built, unless the SDK's path is asked for. */
function leanTransport(
  options: ConnectionOptions,
  client: S3Client,
  endpoints: EndpointCache,
  policy: RetryPolicy,
  logger: Logger | undefined,
): LeanTransport | undefined {
  if (transportOf(options) === "sdk") return undefined;
  return new LeanTransport({
    client,
    endpoints,
    policy,
    logger,
    anonymous: options.anonymous === true,
    timeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
    checksumsWhenRequired: checksumsOf(options) === "when-required",
  });
}

function buildClient(
  options: ConnectionOptions & { anonymous: boolean },
  policy: RetryPolicy,
  secrets: Secrets,
  logger: Logger | undefined,
): S3Client {
  const endpoint = configuredEndpoint(options);
  const custom = endpoint !== undefined;
  const checksums = checksumsOf(options);
  const checksumSetting = checksums === "when-required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const env = environment();
  const envRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  secrets.add(env.AWS_SECRET_ACCESS_KEY);
  secrets.add(env.AWS_SESSION_TOKEN);
  if (typeof options.credentials === "object") {
    // Static credentials sign every request for the client's life: kept for good.
    secrets.add(options.credentials.secretAccessKey);
    secrets.add(options.credentials.sessionToken);
  }
  const client = new S3Client({
    region: options.region ?? (custom && !envRegion ? "us-east-1" : undefined),
    endpoint,
    forcePathStyle: options.forcePathStyle ?? custom,
    credentials: options.credentials,
    ...(options.anonymous ? anonymousAuth() : {}),
    retryStrategy: new PolicyRetryStrategy(policy, logger),
    maxAttempts: policy.maxRetries + 1,
    requestChecksumCalculation: checksumSetting,
    responseChecksumValidation: checksumSetting,
    // A bucket in another region just works: the SDK signs again for the region a 301 names.
    followRegionRedirects: true,
    // The handler's `requestTimeout` only logs a warning in current SDKs (it became a whole-request
    // timer); `socketTimeout` is the idle timeout this option promises, and it throws. The SDK
    // sets none for S3: without this default a dead connection would hang a call forever.
    requestHandler: { socketTimeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT },
  });
  if (!options.anonymous) recordCredentials(client, secrets);
  tolerateUserAgentFailure(client);
  return client;
}

/** @internal What `new S3()` holds: its client, the context of its operations, and whether it owns the client. */
export interface Connection {
  client: S3Client;
  context: ClientContext;
  /** True for the client s3kit built (closed by `close()`), false for one passed in. */
  ownsClient: boolean;
  /** The S3-wide `requestPayer`, the default of every bucket's (see ScopeDefaults). */
  requestPayer: boolean;
}

/**
 * @internal S3Options → the configured S3Client and the ClientContext every operation runs
 * in: the retry policy, the redacting logger and the secrets it redacts. Sends no request.
 * @throws ValidationError for invalid options.
 */
export function connect(options: S3Options): Connection {
  const policy = resolvePolicy(options);
  const secrets = new Secrets();
  checkOwnClient(options);
  const anonymous = anonymousOption(options);
  const requestPayer = flagOption(options.requestPayer, "requestPayer", "AWS_REQUESTER_PAYS");
  const logger = options.logger && redactingLogger(options.logger, secrets);
  const connection = { ...options, anonymous };
  const client = options.client ?? buildClient(connection, policy, secrets, logger);
  // A client passed in is the caller's, middleware and all: every request goes through it.
  const endpoints = new EndpointCache(client);
  const lean = options.client
    ? undefined
    : leanTransport(connection, client, endpoints, policy, logger);
  const context: ClientContext = {
    // s3kit's middleware goes on each of its own commands, never on the client: a caller's
    // client (and calls made on `s3.client`) stay exactly as they were.
    client: withCommandMiddleware(client, (stack, command) => {
      followBucketRegion(stack, command, client, endpoints);
      recordSigningIdentity(stack, secrets);
      routeSdkLogs(stack, logger, secrets);
      if (logger) addRequestLog(stack, logger);
    }),
    policy,
    logger,
    secrets,
    knownBuckets: new Set(),
    lean,
    endpoints,
    anonymous,
  };
  return { client, context, ownsClient: options.client === undefined, requestPayer };
}
