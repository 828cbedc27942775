import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Writable } from "node:stream";
import { MiB } from "./config.js";

/**
 * A Writable that accepts bytes no faster than `miBps`: after each chunk it waits until the
 * clock catches up with the bytes taken so far, so the upstream must apply backpressure. It
 * calls `onChunk` after every chunk (for RSS sampling) and can hash what it received.
 */
export class SlowSink extends Writable {
  bytes = 0;
  readonly #bytesPerMs: number;
  readonly #hash: ReturnType<typeof createHash> | undefined;
  readonly #onChunk: () => void;
  #start: number | undefined;

  constructor(miBps: number, hash: boolean, onChunk: () => void) {
    super();
    this.#bytesPerMs = (miBps * MiB) / 1000;
    this.#hash = hash ? createHash("sha256") : undefined;
    this.#onChunk = onChunk;
  }

  /** The SHA-256 (hex) of everything written, when hashing; call once, after finish. */
  digest(): string | undefined {
    return this.#hash?.digest("hex");
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.#start ??= performance.now();
    this.bytes += chunk.length;
    this.#hash?.update(chunk);
    this.#onChunk();
    const due = this.#start + this.bytes / this.#bytesPerMs;
    const wait = due - performance.now();
    // Timers are ms-grained: below 1 ms, let the debt add up to the next chunk.
    if (wait >= 1) setTimeout(callback, wait);
    else callback();
  }
}
