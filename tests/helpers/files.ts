import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/** The hex SHA-256 of `bytes`: compares large bodies without printing megabytes on a failure. */
export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** What `useTempDir()` hands the tests of a file. */
export interface TempDir {
  /** This test's empty directory. Throws outside a test (before beforeEach ran). */
  readonly path: string;
}

/**
 * Gives every test of the file its own empty directory under the OS temp dir (named
 * `s3kit-<label>-…`), created before the test and removed with all its contents after.
 */
export function useTempDir(label: string): TempDir {
  let current: string | undefined;
  beforeEach(async () => {
    current = await mkdtemp(join(tmpdir(), `s3kit-${label}-`));
  });
  afterEach(async () => {
    if (current !== undefined) await rm(current, { recursive: true, force: true });
    current = undefined;
  });
  return {
    get path() {
      if (current === undefined) throw new Error("useTempDir: the directory exists only in a test");
      return current;
    },
  };
}
