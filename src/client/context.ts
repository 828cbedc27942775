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
import type { AttemptLog } from "./attempt-log.js";
import { withCommandMiddleware } from "./command-middleware.js";
import type { EndpointCache } from "./endpoint.js";
import type { LeanTransport } from "./lean/lean-transport.js";
import type { Logger } from "./logger.js";
import { addRetryBudget, type RetryBudget, withoutBudgetWrapper } from "./retry-budget.js";
import type { RetryPolicy } from "./retry-policy.js";
import { recordCustomerKeys, type Secrets } from "./secrets.js";

/** What every operation needs from its S3 instance. Shared by all scopes of one S3. */
export interface ClientContext {
  readonly client: S3Client;
  readonly policy: RetryPolicy;
  readonly logger: Logger | undefined;
  readonly secrets: Secrets;
  /** Buckets a HeadBucket has shown to exist, to tell a missing key from a missing bucket. */
  readonly knownBuckets: Set<string>;
  /** The lean request path, for the client s3kit built (see S3Options.transport). */
  readonly lean?: LeanTransport | undefined;
  /** Each bucket's endpoint as the SDK resolves it, for what is signed without its middleware. */
  readonly endpoints: EndpointCache;
  /** Requests go unsigned and no credentials are ever resolved (see S3Options.anonymous). */
  readonly anonymous?: boolean | undefined;
  /**
   * Every request made through this context says `x-amz-request-payer: requester`: true for
   * the context of a scope whose `requestPayer` is on (see scopeContext), never for the S3's.
   */
  readonly requestPayer?: boolean | undefined;
}

/** Where a request goes, for error messages and log lines. */
export interface Target {
  operation: string;
  bucket?: string;
  key?: string;
  /** Whether the request sent an SSE-C key for the object it reads (a copy's: its source's). */
  customerKey?: boolean;
}

/** The operations reading an object's bytes: the ones an SSE-C key opens. */
const KEYED_READS: Record<string, string> = {
  GetObject: "SSECustomerKey",
  HeadObject: "SSECustomerKey",
  CopyObject: "CopySourceSSECustomerKey",
  UploadPartCopy: "CopySourceSSECustomerKey",
};

/**
 * Registers the SSE-C keys `input` sends as secrets before it is sent, and marks a read's
 * target with whether it sent one, for the error that refuses it (see customerKeyFailure).
 */
function keyedTarget(context: ClientContext, target: Target, input: Record<string, unknown>) {
  recordCustomerKeys(context.secrets, input);
  const member = KEYED_READS[target.operation];
  return member === undefined ? target : { ...target, customerKey: input[member] !== undefined };
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

/** What `send` adds to a request: the log its attempts are recorded in. */
export interface SendOptions extends RequestOptions {
  attempts?: AttemptLog | undefined;
  /**
   * A small GetObject body may be read whole within its request (see HeldBody), for a
   * reader that takes it at once; the SDK's path streams it anyway.
   */
  holdBody?: boolean | undefined;
}

/** An S3 command whose answer is `O`. */
export type S3Command<I extends ServiceInputTypes, O extends ServiceOutputTypes> = $Command<
  I,
  O,
  S3ClientResolvedConfig,
  ServiceInputTypes,
  ServiceOutputTypes
>;

/**
 * Sends one S3 command and returns its answer: by the lean path when it covers the command
 * (see LeanTransport), else through `request`, the SDK's. Either way with the same promises:
 * one retry budget, the attempt log, abort, and every failure an S3Error.
 */
export function send<I extends ServiceInputTypes, O extends ServiceOutputTypes>(
  context: ClientContext,
  target: Target,
  command: S3Command<I, O>,
  options: SendOptions = {},
): Promise<O> {
  const { attempts } = options;
  const viaSdk = (client: S3Client, http: HttpOptions) =>
    (attempts ? attempts.on(client) : client).send(command, http);
  const input = command.input as Record<string, unknown>;
  const keyed = keyedTarget(context, target, input);
  const { lean } = context;
  const operation = lean?.route(command);
  if (lean === undefined || operation === undefined) {
    return request(context, keyed, viaSdk, options);
  }
  return guarded(context, keyed, options.signal, async () => {
    // The SDK's way gets the header from the client's middleware (see scopeContext).
    const leanInput = context.requestPayer ? { ...input, RequestPayer: "requester" } : input;
    const output = await lean.send(operation, leanInput, options);
    if (output !== undefined) return output as O;
    return viaSdk(budgeted(context.client, options.budget), httpOptions(options.signal));
  });
}

/** What the SDK's `send` is given beside the command. */
interface HttpOptions {
  abortSignal?: AbortSignal;
}

function httpOptions(signal: AbortSignal | undefined): HttpOptions {
  return signal ? { abortSignal: signal } : {};
}

/** `client`, whose commands spend from `budget` when there is one (see RetryBudget). */
function budgeted(client: S3Client, budget: RetryBudget | undefined): S3Client {
  return budget ? withCommandMiddleware(client, (stack) => addRetryBudget(stack, budget)) : client;
}

/**
 * Runs one SDK call and turns whatever it throws into an S3Error. The SDK's own retry
 * strategy (our policy) is the only retrying layer underneath. With a `budget`, every
 * attempt of the commands sent through `call`'s client spends from it, and the SDK stops
 * retrying once it is spent (see RetryBudget).
 */
export function request<T>(
  context: ClientContext,
  target: Target,
  call: (client: S3Client, options: HttpOptions) => Promise<T>,
  options: RequestOptions = {},
): Promise<T> {
  const { signal, budget } = options;
  return guarded(context, target, signal, () =>
    call(budgeted(context.client, budget), httpOptions(signal)),
  );
}

/**
 * Runs `run` unless `signal` already aborted, and maps whatever it throws to an S3Error for
 * `target` (an abort as "Aborted"); a NoSuchBucket makes the bucket unknown again.
 */
async function guarded<T>(
  context: ClientContext,
  target: Target,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  throwIfAborted(context, signal, target);
  try {
    return await run();
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
