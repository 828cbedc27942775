import { answerText } from "./answer-body.js";
import type { HttpAnswer } from "./http-types.js";
import { elementBodies, leafFields } from "./xml-fields.js";

/** The `$metadata` the SDK gives its outputs and errors. */
export interface ResponseMetadata {
  httpStatusCode: number;
  requestId: string | undefined;
  extendedRequestId: string | undefined;
  cfId: string | undefined;
  attempts?: number;
  totalRetryDelay?: number;
}

export function metadataOf(answer: HttpAnswer): ResponseMetadata {
  return {
    httpStatusCode: answer.status,
    requestId: answer.headers["x-amz-request-id"],
    extendedRequestId: answer.headers["x-amz-id-2"],
    cfId: answer.headers["x-amz-cf-id"],
  };
}

/** Fields an error body may not set on the error: its identity and what s3kit reads. */
const RESERVED = new Set(["name", "message", "stack", "cause", "__proto__", "constructor"]);

/**
 * The error of an answer that is no success (not 2xx), shaped as the SDK shapes it, so that
 * every layer above (error mapping, retries, the attempt log, redaction) reads it the same
 * way (see errorOf). A body that breaks off is a broken connection, as it is to the SDK: its
 * error, carrying the status, is retried like any other reset.
 */
export async function errorAnswer(answer: HttpAnswer): Promise<Error> {
  try {
    return errorOf(answer, await answerText(answer));
  } catch (error) {
    const broken = error instanceof Error ? error : new Error(String(error));
    // Retryable whatever the runtime names it (fetch's "terminated" has no code).
    Object.assign(broken, { $retryable: { throttling: false } });
    return withAnswer(broken, answer, "");
  }
}

/**
 * The error an error document `body` describes, for an answer with `status`: `name` and
 * `Code` the body's S3 error code (a 404 without one "NotFound", anything else "Unknown"),
 * `message` its Message, every other field of the body copied, `$fault`, `$metadata`, and the
 * raw answer as `$response` (not enumerable), its body as the text read. A document cut off
 * (past the bytes read of it) still gives the fields before the cut.
 */
export function errorOf(answer: HttpAnswer, body: string, status = answer.status): Error {
  const start = body.search(/<Error[\s>]/);
  const inner = elementBodies(body, "Error")[0] ?? (start === -1 ? undefined : body.slice(start));
  const fields = inner === undefined ? new Map<string, string>() : leafFields(inner);
  const code = fields.get("Code") || (status === 404 ? "NotFound" : "Unknown");
  const error = new Error(fields.get("Message") || (code === "Unknown" ? "UnknownError" : code));
  for (const [name, value] of fields) {
    if (!RESERVED.has(name) && !name.startsWith("$"))
      Object.defineProperty(error, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  Object.assign(error, { name: code, Code: code, $fault: status >= 500 ? "server" : "client" });
  return withAnswer(error, { ...answer, status }, body);
}

/** `error` with the answer's `$metadata`, and the raw answer as `$response` (not enumerable). */
function withAnswer(error: Error, answer: HttpAnswer, body: string): Error {
  Object.assign(error, { $metadata: metadataOf(answer) });
  Object.defineProperty(error, "$response", {
    value: { statusCode: answer.status, headers: answer.headers, body },
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return error;
}
