import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";

/**
 * The canned ACLs S3 takes on a write (the x-amz-acl header): who besides the owner may read
 * the object. A bucket with Object Ownership "bucket owner enforced" (AWS's default for new
 * buckets since April 2023) refuses a write that sets one (400 AccessControlListNotSupported),
 * but for "bucket-owner-full-control".
 */
export type CannedAcl =
  | "private"
  | "public-read"
  | "public-read-write"
  | "authenticated-read"
  | "aws-exec-read"
  | "bucket-owner-read"
  | "bucket-owner-full-control";

/** @internal Every CannedAcl, in the order a refusal names them. */
export const CANNED_ACLS: readonly CannedAcl[] = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
];

const KNOWN: ReadonlySet<string> = new Set(CANNED_ACLS);

/**
 * Checks an `acl` option.
 * @throws ValidationError for anything but a CannedAcl, naming them.
 */
export function aclOption(value: unknown, operation: string): CannedAcl | undefined {
  if (value === undefined || (typeof value === "string" && KNOWN.has(value))) {
    return value as CannedAcl | undefined;
  }
  const got = typeof value === "string" ? JSON.stringify(value) : describe(value);
  const names = CANNED_ACLS.map((acl) => `"${acl}"`).join(", ");
  throw new ValidationError(`${operation}: acl must be one of ${names}, got ${got}`, {
    operation,
  });
}
