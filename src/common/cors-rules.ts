import type { CORSRule } from "@aws-sdk/client-s3";
import { ValidationError } from "../errors/validation-error.js";
import { describe } from "../prefix/keys.js";
import { HEADER_TOKEN, wholeNumber } from "./checks.js";

/** A method a CORS rule can allow (a preflight OPTIONS is answered by the store itself). */
export type CorsMethod = "GET" | "PUT" | "POST" | "DELETE" | "HEAD";

const CORS_METHODS: readonly string[] = [
  "GET",
  "PUT",
  "POST",
  "DELETE",
  "HEAD",
] satisfies CorsMethod[];

/**
 * One CORS rule of a bucket: what pages of the given origins may do with its objects. The
 * store answers a browser with the first rule that matches its origin, method and headers.
 */
export interface CorsRule {
  /**
   * The origins allowed: `"https://app.example.com"` (scheme, host and port, as a browser
   * sends it: no path, no trailing "/"), `"*"` for any, or a pattern with one `*` such as
   * `"https://*.example.com"`.
   */
  origins: string[];
  /** The methods allowed, e.g. `["PUT", "POST"]` for uploads. */
  methods: CorsMethod[];
  /**
   * The request headers a page may send (those a preflight asks for), e.g. `["content-type"]`,
   * or with one `*` each, e.g. `"x-amz-*"`. Unset, only CORS-safelisted headers.
   */
  headers?: string[];
  /** The response headers a page may read beyond the safelisted ones, e.g. `["ETag"]`. */
  exposeHeaders?: string[];
  /**
   * How long a browser may cache the answer to a preflight, in seconds (browsers cap it: 2 h in
   * Chromium). Unset, the browser's own default (5 s).
   */
  maxAgeSeconds?: number;
  /** A name for the rule, up to 255 characters. */
  id?: string;
}

/** S3's limit on the rules of one bucket. */
const MAX_CORS_RULES = 100;
const RULE_FIELDS = ["origins", "methods", "headers", "exposeHeaders", "maxAgeSeconds", "id"];
/** An origin as a browser sends it: scheme://host[:port], nothing after. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i;
/** What an origin pattern may hold: visible ASCII (a browser sends host names as punycode). */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** maxAgeSeconds: a whole number of seconds S3 holds (a 32-bit integer). */
const MAX_AGE = { unit: "seconds", min: 0, max: 2_147_483_647 };

/** Where a rule's problem is, for messages: `rules[2].origins`. */
type Where = (field: string) => string;

/** Throws the ValidationError of a `setCors` with this message. */
type Fail = (message: string) => never;

function wildcards(text: string): number {
  return text.split("*").length - 1;
}

/** Why `origin` can never match a browser's Origin header, or undefined when it can. */
function originProblem(origin: string): string | undefined {
  if (!VISIBLE_ASCII.test(origin)) return "must be visible ASCII (punycode for other host names)";
  if (wildcards(origin) > 1) return "may hold one * at most";
  const afterScheme = origin.includes("://") ? origin.slice(origin.indexOf("://") + 3) : undefined;
  const isOrigin = origin === "*" || origin === "null" || ORIGIN.test(origin);
  if (afterScheme?.includes("/") || (!isOrigin && !origin.includes("*"))) {
    return 'is not an origin: a browser sends scheme://host[:port], with no path or trailing "/" (e.g. "https://app.example.com")';
  }
  if (/[@?#]/.test(origin)) return "is not an origin: a browser sends no user, query or fragment";
  const defaultPort = /^https:\/\/[^/]*:443$/i.test(origin) || /^http:\/\/[^/]*:80$/i.test(origin);
  return defaultPort ? "names its scheme's default port, which a browser leaves out" : undefined;
}

/** Checks a list field of a rule: an array of strings, each passing `problem`. */
function stringList(
  value: unknown,
  where: string,
  problem: (item: string) => string | undefined,
): string[] {
  if (!Array.isArray(value))
    return [`${where} must be an array of strings, got ${describe(value)}`];
  // Array.from visits the holes of a sparse array too (as undefined), which flatMap skips.
  return Array.from(value as unknown[], (item, index) => {
    if (typeof item !== "string" || item === "") {
      return [`${where}[${index}] must be a non-empty string`];
    }
    const why = problem(item);
    return why === undefined ? [] : [`${where}[${index}] ${JSON.stringify(item)} ${why}`];
  }).flat();
}

function headerProblem(wildcard: boolean): (name: string) => string | undefined {
  return (name) => {
    if (!HEADER_TOKEN.test(name)) return "is not a header name";
    return wildcard && wildcards(name) > 1 ? "may hold one * at most" : undefined;
  };
}

function methodProblem(method: string): string | undefined {
  return CORS_METHODS.includes(method) ? undefined : `is not one of ${CORS_METHODS.join(", ")}`;
}

/** Every problem of one rule's fields, as messages. */
function ruleProblems(rule: Record<string, unknown>, where: Where): string[] {
  const unknown = Object.keys(rule).filter((field) => !RULE_FIELDS.includes(field));
  const problems = unknown.map(
    (field) => `${where(field)} is not a field of a CORS rule (${RULE_FIELDS.join(", ")})`,
  );
  for (const field of ["origins", "methods"] as const) {
    const value = rule[field];
    if (Array.isArray(value) && value.length === 0) problems.push(`${where(field)} is empty`);
  }
  problems.push(...stringList(rule.origins, where("origins"), originProblem));
  problems.push(...stringList(rule.methods, where("methods"), methodProblem));
  if (rule.headers !== undefined) {
    problems.push(...stringList(rule.headers, where("headers"), headerProblem(true)));
  }
  if (rule.exposeHeaders !== undefined) {
    problems.push(...stringList(rule.exposeHeaders, where("exposeHeaders"), headerProblem(false)));
  }
  const { id } = rule;
  if (id !== undefined && (typeof id !== "string" || id === "" || [...id].length > 255)) {
    problems.push(`${where("id")} must be a string of 1 to 255 characters`);
  } else if (typeof id === "string" && (/\p{Cc}/u.test(id) || !id.isWellFormed())) {
    problems.push(`${where("id")} must be valid Unicode without control characters`);
  }
  return problems;
}

/** One rule, checked, in the SDK's shape. */
function corsRule(rule: unknown, index: number, fail: Fail, operation: string): CORSRule {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
    fail(`rules[${index}] must be an object, got ${describe(rule)}`);
  }
  const fields = rule as Record<string, unknown>;
  const [problem] = ruleProblems(fields, (field) => `rules[${index}].${field}`);
  if (problem !== undefined) fail(problem);
  const checked = fields as unknown as CorsRule;
  const name = `rules[${index}].maxAgeSeconds`;
  const maxAge =
    checked.maxAgeSeconds === undefined
      ? undefined
      : wholeNumber(checked.maxAgeSeconds, 0, { ...MAX_AGE, name, operation });
  return {
    ID: checked.id,
    AllowedOrigins: [...checked.origins],
    AllowedMethods: [...checked.methods],
    AllowedHeaders: checked.headers?.length ? [...checked.headers] : undefined,
    ExposeHeaders: checked.exposeHeaders?.length ? [...checked.exposeHeaders] : undefined,
    MaxAgeSeconds: maxAge,
  };
}

/**
 * Checks the rules of a `setCors` and returns them in the SDK's shape: at most 100, each with
 * origins a browser can send, known methods, header names, a whole number of seconds.
 * @throws ValidationError naming the first problem (`rules[1].methods[0] "OPTIONS" …`).
 */
export function corsRules(rules: unknown, operation: string, bucket: string): CORSRule[] {
  const fail: Fail = (message) => {
    throw new ValidationError(`${operation}: ${message}`, { operation, bucket });
  };
  if (!Array.isArray(rules)) fail(`rules must be an array of CORS rules, got ${describe(rules)}`);
  const list = rules as unknown[];
  if (list.length > MAX_CORS_RULES) fail(`${list.length} rules; S3 allows ${MAX_CORS_RULES}`);
  return Array.from(list, (rule, index) => corsRule(rule, index, fail, operation));
}

/** Reads the rules a store answers into CorsRules, leaving out the fields it did not send. */
export function corsRulesFrom(rules: CORSRule[] | undefined): CorsRule[] {
  return (rules ?? []).map((rule) => ({
    origins: rule.AllowedOrigins ?? [],
    methods: (rule.AllowedMethods ?? []) as CorsMethod[],
    ...(rule.AllowedHeaders?.length ? { headers: rule.AllowedHeaders } : {}),
    ...(rule.ExposeHeaders?.length ? { exposeHeaders: rule.ExposeHeaders } : {}),
    ...(rule.MaxAgeSeconds === undefined ? {} : { maxAgeSeconds: rule.MaxAgeSeconds }),
    ...(rule.ID === undefined ? {} : { id: rule.ID }),
  }));
}
