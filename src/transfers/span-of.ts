import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import type { AskedBytes } from "../common/checks.js";
import { S3OperationError } from "../errors/s3-operation-error.js";
import { checkPinned } from "./check-pinned.js";
import { rangeHeader } from "./get-object.js";
import type { Opened } from "./read-requests.js";
import type { ReadPlan } from "./resolve-stream-options.js";

/** What a response delivers: `length` bytes from `start` of a `total`-byte object, if known. */
export interface Span {
  start: number;
  length: number | undefined;
  total: number | undefined;
}

/** "bytes 100-199/1000" → { start: 100, end: 199, total: 1000 }. */
function parseContentRange(
  header: string | undefined,
): { start: number; end: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header ?? "");
  if (!match) return undefined;
  const total = match[3] === "*" ? undefined : Number(match[3]);
  return { start: Number(match[1]), end: Number(match[2]), total };
}

/** A response whose bytes are not the ones asked for ("LengthMismatch", "RangeIgnored"). */
export function badSpan(plan: ReadPlan, code: string, detail: string): S3OperationError {
  const { scope, Key } = plan;
  return new S3OperationError(`GetObject s3://${scope.bucketName}/${Key}: ${detail}`, {
    code,
    bucket: scope.bucketName,
    key: Key,
    operation: "GetObject",
  });
}

/** A body longer than the reader can hold. */
export function tooLarge(plan: ReadPlan, bytes: string): S3OperationError {
  const { scope, Key, operation, maxLength } = plan;
  return new S3OperationError(
    `${operation} s3://${scope.bucketName}/${Key}: the body is ${bytes} bytes, more than ${operation} can hold (${maxLength}); read it with stream() or download()`,
    { code: "TooLarge", bucket: scope.bucketName, key: Key, operation },
  );
}

/** A range no byte of the object satisfies: S3's 416, S3OperationError "InvalidRange". */
export function invalidRange(
  plan: Pick<ReadPlan, "scope" | "Key">,
  detail: string,
): S3OperationError {
  const { scope, Key } = plan;
  const message = `GetObject s3://${scope.bucketName}/${Key}: InvalidRange: ${detail}`;
  const details = { code: "InvalidRange", status: 416, bucket: scope.bucketName, key: Key };
  return new S3OperationError(message, { ...details, operation: "GetObject" });
}

/**
 * Refuses a Content-Range that names no byte (`bytes 10-9/10`: its end before its start) or
 * bytes past the object's end: never relayed. One that starts at or past the end is the
 * answer to a range no byte satisfies, which S3 answers with 416: "InvalidRange" (status
 * 416), as S3's would be; any other is S3OperationError "InvalidResponse".
 */
function checkContentRange(
  plan: ReadPlan,
  header: string,
  { start, end, total }: { start: number; end: number; total: number | undefined },
): void {
  if (total !== undefined && start >= total) {
    throw invalidRange(plan, `the server answered ${header}: the object has no byte ${start}`);
  }
  if (start > end || (total !== undefined && end >= total)) {
    throw badSpan(
      plan,
      "InvalidResponse",
      `the server answered an invalid Content-Range, ${header}`,
    );
  }
}

/**
 * The last byte a ranged answer must end at: where asked, or the object's last byte when the
 * range runs past it (S3 clamps such a range); an open range of an object of unknown size may
 * end anywhere. Undefined when nothing can be checked: a whole object of unknown size.
 */
function lastByte(
  asked: AskedBytes | undefined,
  range: { end: number; total: number | undefined },
): number | undefined {
  if (range.total === undefined) return asked && (asked.end ?? range.end);
  return Math.min(asked?.end ?? Number.POSITIVE_INFINITY, range.total - 1);
}

/** Whether a response is a part of the object (a 206, or any answer with a Content-Range). */
export function isPartial(response: GetObjectCommandOutput): boolean {
  return response.ContentRange !== undefined || response.$metadata?.httpStatusCode === 206;
}

/**
 * Whether the whole object, `size` bytes if known, is all that `asked` asks for: no Range, or
 * one from byte 0 reaching the object's end. A server may answer such a Range with a 200 and
 * the whole body (RFC 9110).
 */
function asksForAll(asked: AskedBytes | undefined, size: number | undefined): boolean {
  if (asked === undefined) return true;
  if (asked.start !== 0) return false;
  return asked.end === undefined || (size !== undefined && asked.end >= size - 1);
}

/** The object's size as a response tells it: a part's Content-Range total, a whole body's length. */
export function sizeOf(response: GetObjectCommandOutput): number | undefined {
  if (!isPartial(response)) return response.ContentLength;
  return parseContentRange(response.ContentRange)?.total;
}

/**
 * What a response delivers, checked against what was asked (`asked` undefined: the whole
 * object, no Range). A whole object (a 200 without Content-Range) may answer only what asks
 * for all of it (see `asksForAll`), and may come without Content-Length (chunked). A ranged
 * answer must have a valid Content-Range (see `checkContentRange`), start where asked and end
 * where `lastByte` says, and its Content-Length must agree; answering for the whole object,
 * it must be every byte of it, `bytes 0-(N-1)/N`.
 */
export function spanOf(
  plan: ReadPlan,
  response: GetObjectCommandOutput,
  asked: AskedBytes | undefined,
): Span {
  const partial = isPartial(response);
  if (!partial && asksForAll(asked, response.ContentLength)) {
    return { start: 0, length: response.ContentLength, total: response.ContentLength };
  }
  const range = parseContentRange(response.ContentRange);
  if (range !== undefined) checkContentRange(plan, response.ContentRange ?? "", range);
  const wanted = asked === undefined ? "the whole object" : rangeHeader(asked);
  const answer =
    response.ContentRange ?? (partial ? "a 206 without Content-Range" : "the whole object");
  const answered = `asked for ${wanted}, the server answered ${answer}`;
  if (range === undefined || range.start !== (asked?.start ?? 0)) {
    throw badSpan(plan, "RangeIgnored", answered);
  }
  const length = range.end - range.start + 1;
  if (range.end !== lastByte(asked, range) || (response.ContentLength ?? length) !== length) {
    const detail = `${answered} with Content-Length ${response.ContentLength}`;
    throw badSpan(plan, "LengthMismatch", detail);
  }
  return { start: range.start, length, total: range.total };
}

/** Refuses a body whose length, once known, is above the plan's `maxLength`. */
export function checkMaxLength(plan: ReadPlan, length: number | undefined): void {
  if (plan.maxLength !== undefined && length !== undefined && length > plan.maxLength) {
    throw tooLarge(plan, String(length));
  }
}

/**
 * The bytes a suffix range (`bytes=-N`) stands for, once a response tells the object's size:
 * its last N. An empty object has none: S3 answers any range of it with 416, MinIO a suffix
 * with a 206 of "bytes 0--1/0"; both fail as S3OperationError "InvalidRange", status 416.
 */
function suffixAsked(plan: ReadPlan, response: GetObjectCommandOutput, suffix: number): AskedBytes {
  const size = sizeOf(response);
  if (size === 0 || (isPartial(response) && response.ContentLength === 0)) {
    throw invalidRange(plan, "the object is empty, so no range of it is satisfiable");
  }
  if (size === undefined) {
    const answer = response.ContentRange ?? "the whole object";
    throw badSpan(
      plan,
      "RangeIgnored",
      `asked for bytes=-${suffix}, the server answered ${answer} without its size`,
    );
  }
  return { start: Math.max(0, size - suffix), end: size - 1 };
}

/**
 * Checks the first response: the object `pin` names (a store may ignore If-Match), the
 * bytes asked for, and the plan's size limit. Destroys the body when it fails.
 */
export function firstSpan(plan: ReadPlan, first: Opened): Span {
  const { scope, Key, operation, pin, suffix } = plan;
  try {
    checkPinned(
      { etag: pin.ifMatch, versionId: pin.versionId },
      { etag: first.response.ETag, versionId: first.response.VersionId },
      { operation, bucket: scope.bucketName, key: Key },
    );
    const asked = suffix === undefined ? plan.asked : suffixAsked(plan, first.response, suffix);
    const span = spanOf(plan, first.response, asked);
    checkMaxLength(plan, span.length);
    return span;
  } catch (error) {
    first.body.destroy();
    throw error;
  }
}
