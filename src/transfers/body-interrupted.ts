/**
 * A body that broke off (reset, premature end, stall) or a response that did not come in
 * time: the only failures a new request may cure.
 */
export class BodyInterrupted extends Error {
  constructor(readonly reason: unknown) {
    super(`body interrupted: ${(reason as Error)?.message ?? reason}`, { cause: reason });
  }
}

/** The failure a stall is given: a request or body that went quiet for too long. */
export function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = "TimeoutError";
  return error;
}
