import type { Target } from "../../client/context.js";
import { ValidationError } from "../../errors/validation-error.js";

/** Why a stream read from before cannot be uploaded (each kind of stream tells it its own way). */
export const DISTURBED = "has already been read from or cancelled, so its first bytes may be gone";

/**
 * Refuses a stream that cannot be uploaded, for the `reason` its own kind of stream gives (see
 * openReadable, openWebStream): one that failed, ended, or was read from (disturbed) already,
 * which lost its first bytes, so the object would be stored truncated.
 * @throws ValidationError "the body stream …; pass a fresh stream".
 */
export function checkFresh(reason: string | undefined, operation: string, target: Target): void {
  if (reason === undefined) return;
  throw new ValidationError(`${operation}: the body stream ${reason}; pass a fresh stream`, {
    operation,
    bucket: target.bucket,
    key: target.key,
  });
}
