/** Network-level error codes after which the same request may well succeed. */
const transientNetworkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** S3 error codes of a store asking its clients to slow down. */
const throttlingCodes = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

/** Whether the failure is a store's request to slow down (429, SlowDown…), for retry logs. */
export function isThrottlingError(error: unknown): boolean {
  return errorStatus(error) === 429 || throttlingCodes.has(errorCode(error));
}

/** S3 error codes that mean "try again later". */
const transientS3Codes = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
  "XMinioServerNotInitialized",
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** The most specific code an SDK, network or plain error carries. */
export function errorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "UnknownError";
  const e = error as ErrorLike;
  for (const candidate of [e.Code, e.code, e.name]) {
    if (typeof candidate === "string" && candidate !== "" && candidate !== "Error")
      return candidate;
  }
  return "UnknownError";
}

/** The HTTP status an SDK error carries, if any. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as ErrorLike).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * True when the failure is one a retry can cure: throttling, 5xx, a reset or timed-out
 * connection, a body that ended early. False for 4xx answers and local mistakes.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as ErrorLike;
  if (e.name === "AbortError") return false;
  if (e.$retryable) return true;
  const status = errorStatus(error);
  // The statuses the SDK's retry strategy treats as transient; 501, 505, 507… no retry cures.
  if (status !== undefined && [429, 500, 502, 503, 504].includes(status)) return true;
  const code = errorCode(error);
  if (transientS3Codes.has(code) || transientNetworkCodes.has(code)) return true;
  if (e.name === "TimeoutError") return true;
  const message = (error as { message?: unknown }).message;
  // "terminated": Node's fetch; "Network connection lost": workerd's, a body cut off midway.
  return (
    status === undefined &&
    typeof message === "string" &&
    /socket hang up|premature close|aborted|terminated|ECONNRESET|network connection lost/i.test(
      message,
    )
  );
}
