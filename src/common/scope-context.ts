import { withCommandMiddleware } from "../client/command-middleware.js";
import type { ClientContext } from "../client/context.js";
import { ValidationError } from "../errors/validation-error.js";
import { booleanOption } from "./checks.js";
import type { ScopeDefaults } from "./defaults.js";

/** What a request confirms when it agrees to pay for itself in a requester-pays bucket. */
export const REQUEST_PAYER_HEADER = "x-amz-request-payer";

/** Each context and its twin with the other `requestPayer`, so that scopes share them. */
const twins = new WeakMap<ClientContext, ClientContext>();

/**
 * A build-step middleware giving the request the header, for every command alike: the SDK's
 * models have no RequestPayer member on some object requests (DeleteObjectTagging) nor on
 * bucket requests a scope makes (HeadBucket), and the header must be on them all.
 */
function addRequestPayer(stack: ClientContext["client"]["middlewareStack"]): void {
  stack.add(
    (next) => (args) => {
      const { headers } = args.request as { headers?: Record<string, string> };
      if (headers) headers[REQUEST_PAYER_HEADER] = "requester";
      return next(args);
    },
    { step: "build", priority: "low", name: "s3kitRequestPayer", override: true },
  );
}

/**
 * `context` with requester pays on or off: the one place that header is put on requests. A
 * context with it on is only ever made here, from one with it off, so each has its twin.
 */
function withRequestPayer(context: ClientContext, on: boolean): ClientContext {
  if (Boolean(context.requestPayer) === on) return context;
  let twin = twins.get(context);
  if (twin === undefined) {
    const client = withCommandMiddleware(context.client, addRequestPayer);
    twin = { ...context, client, requestPayer: true };
    twins.set(context, twin);
    twins.set(twin, context);
  }
  return twin;
}

/**
 * @internal The context a scope's requests go through: its S3's, or with the scope's
 * `requestPayer` default on, the twin whose every request (the SDK's way and the lean path,
 * presigned URLs aside: see presign) says `x-amz-request-payer: requester`.
 * @throws ValidationError for a requestPayer that is not a boolean, or on an anonymous S3.
 */
export function scopeContext(context: ClientContext, defaults: ScopeDefaults): ClientContext {
  const { requestPayer } = defaults;
  booleanOption(requestPayer, "defaults.requestPayer", "bucket");
  if (requestPayer && context.anonymous) {
    throw new ValidationError(
      "bucket: requestPayer cannot be used by an anonymous S3 (S3 charges the signer of a request, and anonymous requests have none)",
      { operation: "bucket" },
    );
  }
  return withRequestPayer(context, requestPayer === true);
}
