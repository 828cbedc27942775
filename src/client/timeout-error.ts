/**
 * The failure a stall is given: a request, answer or body that went quiet for too long. Its
 * name is what the retry layers and the error mapper read as retryable.
 */
export function timeoutError(message: string): Error {
  const error = new Error(message);
  error.name = "TimeoutError";
  return error;
}
