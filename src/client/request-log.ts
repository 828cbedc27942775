import type { S3Client } from "@aws-sdk/client-s3";
import { type Logger, log } from "./logger.js";

/**
 * Adds one debug line per HTTP request (every attempt) to the client: operation, bucket,
 * key, status, attempt, duration and request id. Headers and bodies are never logged, so
 * neither are credentials.
 */
export function addRequestLog(client: S3Client, logger: Logger): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      const input = args.input as { Bucket?: unknown; Key?: unknown };
      const request = args.request as { headers?: Record<string, string> } | undefined;
      const attempt = /attempt=(\d+)/.exec(request?.headers?.["amz-sdk-request"] ?? "")?.[1];
      const fields = {
        operation: context.commandName?.replace(/Command$/, ""),
        bucket: input.Bucket,
        key: input.Key,
        attempt: attempt === undefined ? undefined : Number(attempt),
      };
      try {
        const result = await next(args);
        const response = result.response as {
          statusCode?: number;
          headers?: Record<string, string>;
        };
        log(logger, "debug", "s3kit request", {
          ...fields,
          status: response.statusCode,
          requestId: response.headers?.["x-amz-request-id"],
          durationMs: Math.round(performance.now() - started),
        });
        return result;
      } catch (error) {
        const e = error as {
          name?: string;
          $metadata?: { httpStatusCode?: number; requestId?: string };
        };
        log(logger, "debug", "s3kit request failed", {
          ...fields,
          error: e?.name,
          status: e?.$metadata?.httpStatusCode,
          requestId: e?.$metadata?.requestId,
          durationMs: Math.round(performance.now() - started),
        });
        throw error;
      }
    },
    { step: "deserialize", name: "s3kitRequestLog", priority: "high" },
  );
}
