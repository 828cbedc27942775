import { environment } from "../client/environment.js";
import { ValidationError } from "../errors/validation-error.js";
import { booleanOption } from "./checks.js";

/**
 * A yes/no S3 option: its value when given (a boolean), else the environment variable
 * `variable` ("true" or "false" in any case, around spaces; empty is unset), else false.
 * @throws ValidationError for an option that is not a boolean or a variable that is neither.
 */
export function flagOption(value: unknown, option: string, variable: string): boolean {
  booleanOption(value, option, "S3 options");
  if (value !== undefined) return value as boolean;
  const raw = environment()[variable];
  const text = raw?.trim().toLowerCase() || undefined;
  if (text === undefined || text === "true" || text === "false") return text === "true";
  throw new ValidationError(
    `S3 options: the ${variable} variable must be "true" or "false", got ${JSON.stringify(raw)}`,
    { operation: "S3" },
  );
}
