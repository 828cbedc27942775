/**
 * Aborts `controller` when `signal` aborts (at once if it has), with its reason; returns how
 * to stop following it. Without a signal, nothing to follow. The one link from a signal to
 * a controller, for every layer.
 */
export function linkAbort(
  signal: AbortSignal | undefined,
  controller: AbortController,
): () => void {
  if (signal === undefined) return () => {};
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
