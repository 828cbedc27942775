/** The process environment, or none where there is no `process` (workerd without nodejs_compat). */
export function environment(): Record<string, string | undefined> {
  return typeof process === "undefined" ? {} : process.env;
}
