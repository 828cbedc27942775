/** Sun, 06 Nov 1994 08:49:37 GMT (IMF-fixdate) and Sunday, 06-Nov-94 08:49:37 GMT (RFC 850). */
const GMT_DATE = /^[A-Za-z]{3,9}, \d{2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
/** Sun Nov  6 08:49:37 1994 (asctime), which is in GMT without saying so. */
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Parses an HTTP date header (RFC 9110, 5.6.7: IMF-fixdate, or the obsolete RFC 850 and
 * asctime forms). Undefined when absent or invalid: a server ignores a date it cannot read.
 */
export function parseHttpDate(header: string | null): Date | undefined {
  const text = header?.trim() ?? "";
  let time = Number.NaN;
  if (GMT_DATE.test(text)) time = Date.parse(text);
  else if (ASCTIME.test(text)) time = Date.parse(`${text} GMT`);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** A date as an HTTP header writes it (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function httpDate(date: Date): string {
  return date.toUTCString();
}

/** A time to the second, as HTTP dates count: comparisons of dates go through this. */
export function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
