import type { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { errorCode, isThrottlingError, isTransientError } from "../../errors/transient.js";
import type { AttemptLog } from "../attempt-log.js";
import type { BucketEndpoint, EndpointCache } from "../endpoint.js";
import type { Logger } from "../logger.js";
import { redirectRegion } from "../redirect-region.js";
import { logAttempt } from "../request-log.js";
import type { RetryBudget } from "../retry-budget.js";
import { type RetryPolicy, sleep } from "../retry-policy.js";
import { type RetryErrorInfo, retryDelay } from "../retry-strategy.js";
import { userAgentHeader } from "../user-agent.js";
import { answerBytes, answerText } from "./answer-body.js";
import { errorAnswer, errorOf, metadataOf } from "./error-answer.js";
import { HeldBody, heldLength } from "./held-body.js";
import { httpExchange } from "./http-exchange.js";
import type { HttpAnswer } from "./http-types.js";
import { LEAN_OPERATIONS, type LeanOperation, leanCovers, outputOf } from "./lean-operations.js";
import { signedRequest } from "./signed-request.js";

/** How far the server's clock may be from ours before the offset is corrected: the SDK's. */
const CLOCK_SKEW = 240_000;

/** The most of an answer's XML document read: a tag set is at most a few kilobytes. */
const DOCUMENT_LIMIT = 1024 * 1024;

/** What the lean path is built with: the SDK client it stands beside, and s3kit's settings. */
export interface LeanSettings {
  client: S3Client;
  /** The S3 instance's endpoints by bucket, shared with its presigned URLs. */
  endpoints: EndpointCache;
  policy: RetryPolicy;
  logger: Logger | undefined;
  /** See S3Options.requestTimeout. */
  timeout: number;
  /** False when the SDK computes or checks checksums s3kit does not ask for ("when-supported"). */
  checksumsWhenRequired: boolean;
  /** Requests go unsigned, and no credentials are resolved (see S3Options.anonymous). */
  anonymous: boolean;
}

/** How one lean request is made: as the SDK path's `send` options say. */
export interface LeanOptions {
  signal?: AbortSignal | undefined;
  budget?: RetryBudget | undefined;
  attempts?: AttemptLog | undefined;
  /** See SendOptions.holdBody. */
  holdBody?: boolean | undefined;
}

/** One request to make, whatever its attempts: the same invocation id on each. */
interface Call {
  operation: LeanOperation;
  input: Record<string, unknown>;
  /** Where it goes; another region's once a redirect names the bucket's (see #followed). */
  endpoint: BucketEndpoint;
  options: LeanOptions;
  invocation: string;
  /** Whether a redirect was followed already: one is, never a second. */
  redirected?: boolean;
}

/** One answered attempt, in the shape the attempt log reads. */
interface Attempted {
  response: { statusCode: number; headers: Record<string, string> };
  answer: HttpAnswer;
  /** The members read from the answer's XML body (see LeanOperation.parse). */
  document: Record<string, unknown> | undefined;
  /** A streamed operation's body, read whole when small (see HeldBody). */
  body?: HeldBody | HttpAnswer["body"];
}

/**
 * The lean request path: simple object requests signed with the SDK's own SigV4 signer (one
 * instance per signing region and service, so its signing-key cache works) and sent over
 * the runtime's HTTP client, without the SDK's per-request pipeline. It keeps that pipeline's
 * promises: the same retry decision and budget, attempt log, request log, timeout and abort,
 * and errors shaped as the SDK's. What it does not cover goes the SDK's way.
 */
export class LeanTransport {
  readonly #settings: LeanSettings;
  readonly #endpoints: EndpointCache;
  readonly #exchange = httpExchange();
  readonly #signers = new Map<string, SignatureV4>();
  #agent: Promise<string> | undefined;

  constructor(settings: LeanSettings) {
    this.#settings = settings;
    this.#endpoints = settings.endpoints;
  }

  /** The lean operation for `command`, or undefined when the SDK must send it. */
  route(command: { constructor: unknown; input: object }): LeanOperation | undefined {
    const operation = LEAN_OPERATIONS.get(command.constructor);
    if (operation === undefined) return undefined;
    // Under "when-supported" the SDK adds CRC32s to bodies it sends and checks those it gets.
    if (!this.#settings.checksumsWhenRequired && (operation.writes || operation.streams)) {
      return undefined;
    }
    return leanCovers(operation, command.input as Record<string, unknown>) ? operation : undefined;
  }

  /**
   * Makes `operation` with `input` and returns its output as the SDK would, or undefined
   * when the bucket's endpoint needs the SDK (see resolveBucketEndpoint).
   */
  async send(
    operation: LeanOperation,
    input: Record<string, unknown>,
    options: LeanOptions,
  ): Promise<Record<string, unknown> | undefined> {
    const endpoint = await this.#endpoints.of(input.Bucket as string);
    if (endpoint === undefined) return undefined;
    const invocation = crypto.randomUUID();
    const call = { operation, input, endpoint, options, invocation };
    const { answer, document, body, attempts, totalRetryDelay } = await this.#attempts(call);
    const output = { ...outputOf(answer.headers), ...document };
    if (operation.streams) output.Body = body;
    output.$metadata = { ...metadataOf(answer), attempts, totalRetryDelay };
    return output;
  }

  /** Closes the connections kept open. */
  close(): void {
    this.#exchange.close();
  }

  /** Attempts the request until it is answered with success or the retry decision says stop. */
  async #attempts(call: Call): Promise<Attempted & { attempts: number; totalRetryDelay: number }> {
    const { policy, logger } = this.#settings;
    const { operation, options } = call;
    const { budget, signal } = options;
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (budget && !budget.take()) throw budget.lastError ?? new Error("no attempt left to send");
      try {
        const run = () => this.#attempt(call, attempt);
        const attempted = await (options.attempts
          ? options.attempts.record(`${operation.name}Command`, run)
          : run());
        return { ...attempted, attempts: attempt, totalRetryDelay };
      } catch (error) {
        if (budget) budget.lastError = error;
        if (await this.#followed(call, error)) {
          // No failure, so no retry: its attempt is given back, as the SDK's path does.
          budget?.refund();
          attempt -= 1;
          continue;
        }
        const info = { errorType: errorTypeOf(error), error, retryAfterHint: retryAfter(error) };
        const delay = budget?.left === 0 ? undefined : retryDelay(policy, logger, attempt, info);
        if (delay === undefined) throw withAttempts(error, attempt, totalRetryDelay);
        totalRetryDelay += delay;
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Whether `error` redirected the call to the bucket's own region (see redirectRegion), the
   * call's first redirect: its endpoint is then that region's, remembered for the bucket.
   */
  async #followed(call: Call, error: unknown): Promise<boolean> {
    if (call.redirected) return false;
    const region = redirectRegion(error, call.endpoint.signingRegion);
    if (region === undefined) return false;
    const endpoint = await this.#endpoints.moved(call.input.Bucket as string, region);
    if (endpoint === undefined) return false;
    call.endpoint = endpoint;
    call.redirected = true;
    return true;
  }

  /** One attempt: signed now, sent, an error answer thrown as the SDK's error. */
  async #attempt(call: Call, attempt: number): Promise<Attempted> {
    const { operation, input, endpoint, options } = call;
    const { logger, timeout } = this.#settings;
    const started = performance.now();
    const fields = { operation: operation.name, bucket: input.Bucket, key: input.Key, attempt };
    try {
      const headers = {
        "user-agent": await this.#userAgent(),
        "amz-sdk-invocation-id": call.invocation,
        "amz-sdk-request": `attempt=${attempt}; max=${this.#settings.policy.maxRetries + 1}`,
      };
      const sent = { clockOffset: this.#clockOffset(), headers };
      const signer = this.#settings.anonymous ? undefined : this.#signer(endpoint);
      const request = await signedRequest(signer, operation, input, endpoint, sent);
      const answer = await this.#exchange.send(request, { signal: options.signal, timeout });
      // Not only 3xx and up: a browser's fetch answers a redirect it may not follow with a 0.
      if (answer.status < 200 || answer.status >= 300) {
        const error = await errorAnswer(answer);
        const skew = error as Error & { ServerTime?: unknown; $metadata?: Record<string, unknown> };
        // Marked as the SDK marks it: refused for our clock, now corrected, so worth a retry.
        if (this.#noteClock(answer, skew.ServerTime)) {
          skew.$metadata = { ...skew.$metadata, clockSkewCorrected: true };
        }
        throw error;
      }
      this.#noteClock(answer);
      // A body is read within the attempt: one cut off is retried like any broken answer.
      const text = operation.streams ? undefined : await answerText(answer, DOCUMENT_LIMIT);
      // A success carrying an S3 error document is that error, a 503 (as the SDK reads it).
      if (text?.trimEnd().endsWith("</Error>")) throw errorOf(answer, text, 503);
      const document = text === undefined ? undefined : operation.parse?.(text);
      const attempted = {
        response: { statusCode: answer.status, headers: answer.headers },
        answer,
        document,
        body: operation.streams ? await streamedBody(answer, options.holdBody) : undefined,
      };
      if (logger) logAttempt(logger, fields, started, attempted);
      return attempted;
    } catch (error) {
      if (logger) logAttempt(logger, fields, started, { error });
      throw error;
    }
  }

  /** The signer for the endpoint's region and service: one, so its signing-key cache works. */
  #signer(endpoint: BucketEndpoint): SignatureV4 {
    const key = `${endpoint.signingRegion}\n${endpoint.signingName}`;
    let signer = this.#signers.get(key);
    if (signer === undefined) {
      const { config } = this.#settings.client;
      signer = new SignatureV4({
        credentials: () => config.credentials(),
        region: endpoint.signingRegion,
        service: endpoint.signingName,
        sha256: config.sha256,
        // S3 signs the path as sent: no second encoding, no dot-segment removal.
        uriEscapePath: false,
      });
      this.#signers.set(key, signer);
    }
    return signer;
  }

  /** The SDK's user agent, made once (see userAgentHeader). */
  #userAgent(): Promise<string> {
    this.#agent ??= userAgentHeader(this.#settings.client).catch(() => "s3kit");
    return this.#agent;
  }

  /** The server's clock minus ours as the SDK keeps it (it corrects a skewed clock). */
  #clockOffset(): number {
    return this.#settings.client.config.systemClockOffset ?? 0;
  }

  /**
   * Corrects the clock offset, as the SDK does, when the server's time is CLOCK_SKEW off ours:
   * an error's <ServerTime> (S3's RequestTimeTooSkewed has it), else the answer's Date. Never
   * from an answer a cache kept (it has an Age): its Date is when the cache got it. True when
   * it corrected the offset.
   */
  #noteClock(answer: HttpAnswer, serverTime?: unknown): boolean {
    if (answer.headers.age !== undefined) return false;
    const date = Date.parse(
      typeof serverTime === "string" ? serverTime : (answer.headers.date ?? ""),
    );
    if (Number.isNaN(date)) return false;
    const { config } = this.#settings.client;
    if (Math.abs(date - (Date.now() + this.#clockOffset())) < CLOCK_SKEW) return false;
    config.systemClockOffset = date - Date.now();
    return true;
  }
}

/** A streamed answer's body, read whole within the attempt when `hold` and small (see HeldBody). */
async function streamedBody(
  answer: HttpAnswer,
  hold: boolean | undefined,
): Promise<HeldBody | HttpAnswer["body"]> {
  const length = hold ? heldLength(answer) : undefined;
  return length === undefined ? answer.body : new HeldBody(await answerBytes(answer, length));
}

/** How the retry decision sees a failure (see retryDelay). */
function errorTypeOf(error: unknown): RetryErrorInfo["errorType"] {
  // The SDK's rule: a refusal of our clock is retried once the clock is corrected, only then.
  const { $metadata } = error as { $metadata?: { clockSkewCorrected?: boolean } };
  if ($metadata?.clockSkewCorrected) return "TRANSIENT";
  if (errorCode(error) === "RequestTimeTooSkewed" || !isTransientError(error)) {
    return "CLIENT_ERROR";
  }
  return isThrottlingError(error) ? "THROTTLING" : "TRANSIENT";
}

/** `value` as a number of `unit` ms from now; undefined when it is no number. */
function fromNow(value: string, unit: number): Date | undefined {
  const amount = Number(value);
  return value.trim() !== "" && Number.isFinite(amount)
    ? new Date(Date.now() + amount * unit)
    : undefined;
}

/**
 * When the server asks to be tried again, as the SDK reads it: Retry-After (seconds or an
 * HTTP date), else AWS's x-amz-retry-after (milliseconds).
 */
function retryAfter(error: unknown): Date | undefined {
  const headers =
    (error as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {};
  const value = headers["retry-after"];
  if (value === undefined) {
    const millis = headers["x-amz-retry-after"];
    return millis === undefined ? undefined : fromNow(millis, 1);
  }
  const date = Date.parse(value);
  return fromNow(value, 1000) ?? (Number.isNaN(date) ? undefined : new Date(date));
}

/** The final error with the attempts made and the delay waited, as the SDK counts them. */
function withAttempts(error: unknown, attempts: number, totalRetryDelay: number): unknown {
  if (typeof error !== "object" || error === null) return error;
  const owner = error as { $metadata?: object };
  owner.$metadata = { ...owner.$metadata, attempts, totalRetryDelay };
  return error;
}
