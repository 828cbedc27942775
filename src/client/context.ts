import type {
  $Command,
  S3Client,
  S3ClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes,
} from "@aws-sdk/client-s3";
import { type ErrorContext, toS3Error } from "../errors/map-error.js";
import type { S3Error } from "../errors/s3-error.js";
import { abortError } from "./abort-error.js";
import { withCommandMiddleware } from "./command-middleware.js";
import type { EndpointCache } from "./endpoint.js";
import type { Logger } from "./logger.js";
import { addRetryBudget, type RetryBudget, withoutBudgetWrapper } from "./retry-budget.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Secrets } from "./secrets.js";

/** What every operation needs from its S3 instance. Shared by all scopes of one S3. */
export interface ClientContext {
  readonly client: S3Client;
  readonly policy: RetryPolicy;
  readonly logger: Logger | undefined;
  readonly secrets: Secrets;
  /** Buckets a HeadBucket has shown to exist, to tell a missing key from a missing bucket. */
  readonly knownBuckets: Set<string>;
  /** Each bucket's endpoint as the SDK resolves it, for what is signed without its middleware. */
  readonly endpoints: EndpointCache;
}

/** Where a request goes, for error messages and log lines. */
export interface Target {
  operation: string;
  bucket?: string;
  key?: string;
}

/** Maps any error to an S3Error for `target`, with this context's secrets redacted. */
export function failure(context: ClientContext, error: unknown, target: Target): S3Error {
  const errorContext: ErrorContext = { ...target, redact: (text) => context.secrets.redact(text) };
  return toS3Error(error, errorContext);
}

/** What a request is sent with. */
export interface RequestOptions {
  /** Cancels the request: it then fails with S3OperationError "Aborted". */
  signal?: AbortSignal | undefined;
  /** The attempts it may make, the SDK's retries included (see RetryBudget). */
  budget?: RetryBudget | undefined;
}

/** What `send` adds to a request: a wrapper of the client, such as an AttemptLog's. */
export interface SendOptions extends RequestOptions {
  via?: ((client: S3Client) => S3Client) | undefined;
}

/** An S3 command whose answer is `O`. */
export type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<
  I,
  O,
  S3ClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>;

/** Sends one S3 command through `request` (the one request path) and returns its answer. */
export function send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
  context: ClientContext,
  target: Target,
  command: S3Command<I, O>,
  options: SendOptions = {},
): Promise<O> {
  const { via } = options;
  return request(
    context,
    target,
    (client, http) => (via ? via(client) : client).send(command, http),
    options,
  );
}

/**
 * Runs one SDK call and turns whatever it throws into an S3Error. The SDK's own retry
 * strategy (our policy) is the only retrying layer underneath. With a `budget`, every
 * attempt of the commands sent through `call`'s client spends from it, and the SDK stops
 * retrying once it is spent (see RetryBudget).
 */
export async function request<T>(
  context: ClientContext,
  target: Target,
  call: (client: S3Client, options: { abortSignal?: AbortSignal }) => Promise<T>,
  options: RequestOptions = {},
): Promise<T> {
  const { signal, budget } = options;
  throwIfAborted(context, signal, target);
  const client = budget
    ? withCommandMiddleware(context.client, (stack) => addRetryBudget(stack, budget))
    : context.client;
  try {
    return await call(client, signal ? { abortSignal: signal } : {});
  } catch (thrown) {
    const error = withoutBudgetWrapper(thrown);
    throwIfAborted(context, signal, target);
    if ((error as { name?: string })?.name === "NoSuchBucket" && target.bucket) {
      context.knownBuckets.delete(target.bucket);
    }
    throw failure(context, error, target);
  }
}

/**
 * The one abort check: throws S3OperationError "Aborted" for `target` (the signal's reason as
 * its cause) when `signal` has aborted.
 */
export function throwIfAborted(
  context: ClientContext,
  signal: AbortSignal | undefined,
  target: Target,
): void {
  if (signal?.aborted) throw failure(context, abortError(signal), target);
}
