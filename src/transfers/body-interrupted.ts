/**
 * A body that broke off (reset, premature end, stall) or a response that did not come in
 * time: the only failures a new request may cure.
 */
export class BodyInterrupted extends Error {
  constructor(readonly reason: unknown) {
    super(`body interrupted: ${(reason as Error)?.message ?? reason}`, { cause: reason });
  }
}
