import { type OnProgress, ProgressReporter } from "../common/progress.js";

/** Sums per-file progress into one reporter for the tree. */
export class TreeProgress {
  readonly reporter: ProgressReporter;
  #total = 0;

  constructor(onProgress: OnProgress | undefined) {
    this.reporter = new ProgressReporter(onProgress);
  }

  /** Counts a file into the total, which becomes visible once `seal()` says every file is known. */
  count(size: number): void {
    this.#total += size;
  }

  seal(): void {
    this.reporter.setTotal(this.#total);
  }

  /** A per-file onProgress adding that file's fresh bytes to the tree's. */
  forFile(): OnProgress {
    let seen = 0;
    return ({ loaded }) => {
      this.reporter.add(loaded - seen);
      seen = Math.max(seen, loaded);
    };
  }

  finish(): void {
    this.reporter.finish(this.#total);
  }
}
