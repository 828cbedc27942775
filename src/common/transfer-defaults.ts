import { partSizeOption, transferConcurrencyOf } from "./checks.js";
import { checksumOption } from "./checksum-option.js";
import type { ScopeDefaults } from "./defaults.js";

/**
 * Checks a scope's transfer defaults (partSize, concurrency, checksum) where the scope is
 * made (`bucket()`, `prefix()`), so a bad one fails there and not at some later transfer.
 * partSize is held to the upload's range (5 MiB …), the strictest of the operations using it.
 * @throws ValidationError.
 */
export function checkTransferDefaults(defaults: ScopeDefaults, operation: string): void {
  const where = `${operation} defaults`;
  partSizeOption(defaults.partSize, 0, where);
  transferConcurrencyOf(defaults.concurrency, 0, where);
  checksumOption(defaults.checksum, where);
}

/**
 * A call's option, else the scope's default: only `undefined` falls back (not `null`, which
 * the option's check then refuses as the bad value it is).
 */
export function orScope<T>(own: T | undefined, scope: T | undefined): T | undefined {
  return own === undefined ? scope : own;
}

/** A transfer's own defaults and bounds (see `transferSettings`). */
export interface TransferRule {
  operation: string;
  partSize: number;
  concurrency: number;
  /** The smallest part size the operation takes (5 MiB unless it says). */
  minPartSize?: number;
}

/**
 * A transfer's partSize and concurrency, checked: the call's, else the scope's, else the
 * operation's own default.
 * @throws ValidationError.
 */
export function transferSettings(
  options: { partSize?: number | undefined; concurrency?: number | undefined },
  defaults: ScopeDefaults,
  rule: TransferRule,
): { partSize: number; concurrency: number } {
  const { operation } = rule;
  const partSize = partSizeOption(
    orScope(options.partSize, defaults.partSize),
    rule.partSize,
    operation,
    rule.minPartSize,
  );
  const concurrency = transferConcurrencyOf(
    orScope(options.concurrency, defaults.concurrency),
    rule.concurrency,
    operation,
  );
  return { partSize, concurrency };
}
