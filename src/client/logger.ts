/**
 * Where s3kit writes its structured lines: one per request, retry and resume. Every method
 * takes a message and a fields object, so `console` fits as is and pino fits as
 * `{ debug: (m, f) => pino.debug(f, m), … }`. Missing methods are skipped.
 */
export interface Logger {
  debug?(message: string, fields: Record<string, unknown>): void;
  info?(message: string, fields: Record<string, unknown>): void;
  warn?(message: string, fields: Record<string, unknown>): void;
  error?(message: string, fields: Record<string, unknown>): void;
}

export type LogLevel = keyof Logger;

/** Writes one line, never letting a faulty logger break the operation being logged. */
export function log(
  logger: Logger | undefined,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown>,
): void {
  try {
    logger?.[level]?.(message, fields);
  } catch {
    // A logger that throws must not turn a successful request into a failure.
  }
}
