/**
 * The secret strings of this S3 instance (secret access keys, session tokens), so that no
 * error message or log line ever shows one, plus the signature-bearing parts of URLs.
 */
export class Secrets {
  readonly #values = new Set<string>();

  /** Remembers a secret; short or empty strings are ignored so as not to mangle text. */
  add(value: string | undefined): void {
    if (value && value.length >= 8) this.#values.add(value);
  }

  /** Returns `text` with every known secret and every URL signature or token replaced. */
  redact(text: string): string {
    let clean = text;
    for (const value of this.#values) clean = clean.split(value).join("[REDACTED]");
    return clean.replace(
      /(X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature|x-amz-security-token)=([^&\s"']+)/gi,
      "$1=[REDACTED]",
    );
  }
}
