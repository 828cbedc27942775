/**
 * Where s3kit writes its structured lines: one per request, retry and resume. Every method
 * takes a message and a fields object, so `console` fits as is and pino fits as
 * `{ debug: (m, f) => pino.debug(f, m), … }`. Missing methods are skipped.
 */
export interface Logger {
  /**
   * One line per HTTP attempt, answered or failed, with its status, request id and duration
   * ("s3kit request", "s3kit request failed").
   */
  debug?(message: string, fields: Record<string, unknown>): void;
  /** Not written to by s3kit today; part of the shape so that `console` and pino fit. */
  info?(message: string, fields: Record<string, unknown>): void;
  /** Retries, resumes, SDK warnings and other trouble s3kit worked around ("s3kit retry", …). */
  warn?(message: string, fields: Record<string, unknown>): void;
  /** Not written to by s3kit today (it throws failures); part of the shape, like `info`. */
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
