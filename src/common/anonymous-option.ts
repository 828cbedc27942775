import { ValidationError } from "../errors/validation-error.js";
import { flagOption } from "./flag-option.js";

/** The S3 options `anonymous` is checked against. */
interface AnonymousInputs {
  anonymous?: unknown;
  credentials?: unknown;
  requestPayer?: unknown;
  client?: unknown;
}

/**
 * Whether requests go unsigned: the `anonymous` option, else AWS_SKIP_SIGNATURE. Never for a
 * client passed in, which signs as it was configured (`anonymous` beside it is refused as
 * every connection option is).
 * @throws ValidationError for a bad setting, or one combined with credentials or requestPayer
 * (S3 charges a request's signer, and an anonymous request has none).
 */
export function anonymousOption(options: AnonymousInputs): boolean {
  if (options.client !== undefined) return false;
  const anonymous = flagOption(options.anonymous, "anonymous", "AWS_SKIP_SIGNATURE");
  if (!anonymous) return false;
  const payer = flagOption(options.requestPayer, "requestPayer", "AWS_REQUESTER_PAYS");
  const conflict =
    options.credentials !== undefined
      ? "credentials"
      : payer
        ? "requestPayer (S3 charges the signer of a request, and an anonymous one has none)"
        : undefined;
  if (conflict !== undefined) {
    const source = options.anonymous === undefined ? "AWS_SKIP_SIGNATURE=true" : "anonymous";
    throw new ValidationError(`S3 options: ${source} cannot be combined with ${conflict}`, {
      operation: "S3",
    });
  }
  return true;
}
