/** What an answer refusing a read's SSE-C key (or its lack of one) becomes. */
export interface CustomerKeyFailure {
  /** s3kit's code for it, instead of S3's generic one. */
  code: "SseCustomerKeyRequired" | "SseCustomerKeyNotApplicable";
  /** What to do, for the message. */
  hint: string;
}

/** Where the key of the object read is given: a copy reads its source. */
const OPTION: Record<string, string> = {
  GetObject: "sseCustomerKey",
  HeadObject: "sseCustomerKey",
  CopyObject: "sourceSseCustomerKey",
  UploadPartCopy: "sourceSseCustomerKey",
};

/**
 * Names the 400 S3 and MinIO answer a read (GetObject, HeadObject, a copy's source) of an
 * object encrypted with a customer key (SSE-C) sent without one, or sent with one for an
 * object that has none: InvalidRequest, with a message about encryption, or a HEAD's
 * bodiless 400. `sentKey` says which it is; undefined when the request is no such read.
 * A wrong key is a 403, left an AccessDeniedError (see customerKeyHint).
 */
export function customerKeyFailure(
  operation: string,
  sentKey: boolean | undefined,
  answer: { code: string; status: number | undefined; message: string },
): CustomerKeyFailure | undefined {
  const option = OPTION[operation];
  if (option === undefined || sentKey === undefined || answer.status !== 400) return undefined;
  const bodiless = answer.code === "Unknown" || answer.code === "BadRequest";
  if (!bodiless && !(answer.code === "InvalidRequest" && /encrypt/i.test(answer.message))) {
    return undefined;
  }
  return sentKey
    ? {
        code: "SseCustomerKeyNotApplicable",
        hint: `the object is not encrypted with a customer-provided key (SSE-C): read it with ${option}: null`,
      }
    : {
        code: "SseCustomerKeyRequired",
        hint: `the object is encrypted with a customer-provided key (SSE-C): pass it as ${option}`,
      };
}

/**
 * What an AccessDenied to a read that sent an SSE-C key adds to its message: the key may be
 * wrong (S3 says no more).
 */
export function customerKeyHint(
  operation: string,
  sentKey: boolean | undefined,
  code: string,
): string {
  if (code !== "AccessDenied" || sentKey !== true || OPTION[operation] === undefined) return "";
  return " (a customer-provided key was sent: S3 refuses a read with the wrong key so)";
}
