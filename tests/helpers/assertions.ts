/**
 * What `promise` rejected with, to assert on the error's class and fields. Throws (failing the
 * test) if the promise resolved instead: `.catch((e) => e)` would hand back the value and let a
 * call that should have failed slip through as "an error".
 */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
