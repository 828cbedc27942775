import { ValidationError } from "../errors/validation-error.js";

/**
 * The failure of a feature that needs Node's file system or streams, in the build for
 * runtimes that have neither (Cloudflare Workers, browsers, edge runtimes; see the `.web.ts`
 * modules, which stand in for the Node-only ones there). `instead` says what works there.
 */
export function nodeOnly(operation: string, feature: string, instead: string): ValidationError {
  return new ValidationError(
    `${operation}: ${feature} needs Node's file system or streams (Node, Bun, Deno); this build of s3kit, for Workers and browsers, has neither. ${instead}`,
    { operation },
  );
}
