/** A transfer's progress; `total` is undefined while the size is unknown. */
export interface Progress {
  /** Bytes transferred so far. */
  loaded: number;
  /** Bytes to transfer in all, or undefined while the size is unknown. */
  total: number | undefined;
  /** 0–100, undefined while the total is unknown. */
  percent: number | undefined;
}

/** A progress callback. */
export type OnProgress = (progress: Progress) => void;

/**
 * Keeps a progress callback honest: `loaded` never goes backwards, never passes `total`, and
 * `finish()` always ends with loaded === total (0 of 0 for an empty object included). What
 * the callback throws is ignored.
 */
export class ProgressReporter {
  #loaded = 0;
  #total: number | undefined;
  readonly #onProgress: OnProgress | undefined;

  constructor(onProgress: OnProgress | undefined, total?: number) {
    this.#onProgress = onProgress;
    this.#total = total;
  }

  get loaded(): number {
    return this.#loaded;
  }

  /** Sets the total once it is known. */
  setTotal(total: number): void {
    this.#total = total;
  }

  /** Adds freshly transferred bytes. */
  add(bytes: number): void {
    if (bytes > 0) this.update(this.#loaded + bytes);
  }

  /** Reports an absolute count; lower values than already reported are ignored. */
  update(loaded: number): void {
    const capped = this.#total === undefined ? loaded : Math.min(loaded, this.#total);
    if (capped <= this.#loaded) return;
    this.#loaded = capped;
    this.#emit();
  }

  /** Reports completion: loaded === total. */
  finish(total?: number): void {
    if (total !== undefined) this.#total = total;
    this.#total ??= this.#loaded;
    this.#loaded = this.#total;
    this.#emit();
  }

  #emit(): void {
    if (!this.#onProgress) return;
    const total = this.#total;
    const percent =
      total === undefined
        ? undefined
        : total === 0
          ? 100
          : Math.floor((this.#loaded / total) * 10000) / 100;
    try {
      this.#onProgress({ loaded: this.#loaded, total, percent });
    } catch {
      // A progress callback that throws must not fail (or, after the commit, misreport) the
      // transfer it is only watching.
    }
  }
}
