import { lstat, mkdir, opendir, realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { failure, type Target, throwIfAborted } from "../client/context.js";
import {
  concurrencyOf,
  functionOption,
  MAX_TRANSFER_CONCURRENCY,
  progressOption,
} from "../common/checks.js";
import { forEachLimited } from "../common/pool.js";
import { type OnProgress, ProgressReporter } from "../common/progress.js";
import type { ScopeRef } from "../common/scope-ref.js";
import type { WriteOptions } from "../common/write-params.js";
import type { S3Error } from "../errors/s3-error.js";
import { ValidationError } from "../errors/validation-error.js";
import { iterList } from "../listing/iter-list.js";
import type { ObjectSummary } from "../listing/object-summary.js";
import { fullKey } from "../prefix/keys.js";
import { downloadKnownObject } from "./download.js";
import { upload } from "./upload.js";

/** Options of `uploadDir`. Write options apply to every file; each file's Content-Type follows its extension. */
export interface UploadDirOptions extends Omit<WriteOptions, "contentType"> {
  /** Files transferred at once (each one request at a time), 1 … 64; default 8. */
  concurrency?: number;
  /** Part size of each file's upload; see `upload`. */
  partSize?: number;
  /** "*": do not overwrite; files whose key exists fail with PreconditionFailedError. */
  ifNoneMatch?: "*";
  /** Which files to upload, by relative path with "/" (the name under the scope); default all. */
  filter?: (name: string) => boolean;
  /** Bytes of the whole tree; `total` is known once the walk has found every file. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** Options of `downloadDir`. */
export interface DownloadDirOptions {
  /** Files transferred at once (each with one resumable GET), 1 … 64; default 8. */
  concurrency?: number;
  /** Which objects to download, by name relative to the scope; default all. */
  filter?: (name: string) => boolean;
  /** Bytes of the whole tree; `total` is known once the listing has ended. */
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** One file moved by `uploadDir` or `downloadDir`. */
export interface TransferredFile {
  /** Absolute local path. */
  path: string;
  /** Full S3 key. */
  key: string;
  /** Key relative to the scope (= the path relative to the directory, with "/"). */
  name: string;
  size: number;
}

/**
 * What `uploadDir` and `downloadDir` did, file by file: a file that fails does not stop the
 * others. `failed` entries name the local `path` and/or the `key` and `name` as far as they
 * are known (a directory that cannot be read has only a path; a refused key has no path).
 */
export interface DirTransferResult {
  transferred: TransferredFile[];
  failed: { path?: string; key?: string; name?: string; error: S3Error }[];
  /** True when nothing failed. */
  ok: boolean;
  /** Bytes of the transferred files. */
  bytes: number;
  /**
   * Entries left out on purpose, not failures: for downloadDir the zero-byte "folder/"
   * markers (which have no file to become), for uploadDir the symbolic links and special
   * files (sockets, FIFOs, devices). Entries the `filter` leaves out are not counted.
   */
  skipped: number;
}

const DEFAULT_CONCURRENCY = 8;

/** Sums per-file progress into one reporter for the tree. */
class TreeProgress {
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

function newResult(): DirTransferResult {
  return { transferred: [], failed: [], ok: true, bytes: 0, skipped: 0 };
}

function finalResult(result: DirTransferResult): DirTransferResult {
  result.ok = result.failed.length === 0;
  result.bytes = result.transferred.reduce((sum, file) => sum + file.size, 0);
  return result;
}

/**
 * A regular file found by the walk, a directory that could not be read, or an entry that is
 * neither a file nor a directory (skipped).
 */
type WalkEntry =
  | { path: string; segments: string[]; skipped?: true }
  | { path: string; error: unknown };

/**
 * Every regular file below `root`, depth first, one directory handle per level. Symbolic
 * links are skipped, files and directories alike: following them could upload things
 * outside the tree or loop forever. Sockets, FIFOs and devices are skipped too; both come
 * out marked `skipped`, to be counted.
 */
async function* walkFiles(root: string, segments: string[] = []): AsyncGenerator<WalkEntry> {
  const path = join(root, ...segments);
  let dir: Awaited<ReturnType<typeof opendir>>;
  try {
    dir = await opendir(path);
  } catch (error) {
    yield { path, error };
    return;
  }
  for await (const entry of dir) {
    const found = { path: join(path, entry.name), segments: [...segments, entry.name] };
    if (entry.isDirectory()) yield* walkFiles(root, found.segments);
    else yield entry.isFile() ? found : { ...found, skipped: true };
  }
}

/** The checked settings shared by uploadDir and downloadDir. */
function treeSettings(
  dir: unknown,
  options: UploadDirOptions | DownloadDirOptions,
  operation: string,
): {
  concurrency: number;
  filter: ((name: string) => boolean) | undefined;
  progress: TreeProgress;
  root: string;
} {
  const concurrency = concurrencyOf(
    options.concurrency,
    DEFAULT_CONCURRENCY,
    operation,
    MAX_TRANSFER_CONCURRENCY,
  );
  const filter = functionOption<(name: string) => boolean>(options.filter, "filter", operation);
  const progress = new TreeProgress(progressOption(options.onProgress, operation));
  if (typeof dir !== "string" || dir === "") {
    throw new ValidationError(`${operation}: dir must be a non-empty string`, { operation });
  }
  return { concurrency, filter, progress, root: resolve(dir) };
}

/** See Scope.uploadDir. */
export async function uploadDir(
  scope: ScopeRef,
  dir: string,
  options: UploadDirOptions = {},
): Promise<DirTransferResult> {
  const operation = "uploadDir";
  const { concurrency, filter, progress, root } = treeSettings(dir, options, operation);
  const rootStats = await stat(root).catch((error: NodeJS.ErrnoException) => {
    // Only a missing path is bad input; EACCES and the like are failures to report as such.
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw failure(scope.context, error, { operation, bucket: scope.bucketName });
  });
  if (!rootStats?.isDirectory()) {
    throw new ValidationError(`${operation}: ${JSON.stringify(dir)} is not a directory`, {
      operation,
    });
  }
  const { signal } = options;
  const uploadOptions = { ...options, concurrency: 1, filter: undefined, onProgress: undefined };
  const where: Target = { operation, bucket: scope.bucketName };
  throwIfAborted(scope.context, signal, where);
  const result = newResult();

  // A failure of the walk itself (or of the filter) ends it; the files already handed out
  // still finish before it is thrown.
  let walkError: unknown;
  async function* files(): AsyncGenerator<{ path: string; name: string; size: number }> {
    try {
      yield* walked();
    } catch (error) {
      walkError = error;
    }
  }
  async function* walked(): AsyncGenerator<{ path: string; name: string; size: number }> {
    for await (const entry of walkFiles(root)) {
      if ("error" in entry) {
        result.failed.push({ path: entry.path, error: failure(scope.context, entry.error, where) });
        continue;
      }
      const name = entry.segments.join("/");
      if (filter && !filter(name)) continue;
      if (entry.skipped) {
        result.skipped++;
        continue;
      }
      let size: number;
      try {
        size = (await stat(entry.path)).size;
      } catch (error) {
        result.failed.push({ path: entry.path, name, error: failure(scope.context, error, where) });
        continue;
      }
      // Counted before it is handed out, so the total is complete when the walk ends.
      progress.count(size);
      yield { path: entry.path, name, size };
    }
    progress.seal();
  }

  await forEachLimited(
    files(),
    concurrency,
    async ({ path, name, size }) => {
      let key: string | undefined;
      try {
        key = fullKey(scope.path, name, operation, scope.bucketName);
        const uploaded = await upload(scope, path, key, {
          ...uploadOptions,
          onProgress: progress.forFile(),
        });
        result.transferred.push({ path, key: uploaded.key, name: uploaded.name, size });
      } catch (error) {
        result.failed.push({
          path,
          key,
          name,
          error: failure(scope.context, error, { ...where, key }),
        });
      }
    },
    signal,
  );
  throwIfAborted(scope.context, signal, where);
  if (walkError !== undefined) throw failure(scope.context, walkError, where);
  progress.finish();
  return finalResult(result);
}

/**
 * The local path for an object name below `root`, or why it may not be written there. Names
 * are split on "/" only; a backslash is refused outright (it is a separator on Windows, and
 * "a\\..\\x" must not mean anything on any system), as are empty, "." and ".." segments and
 * NUL characters, so no name can climb out of the directory or alias another.
 */
function localPath(root: string, name: string): string | string[] {
  const problems: string[] = [];
  if (name.includes("\\")) problems.push('contains "\\"');
  if (name.includes("\0")) problems.push("contains a NUL character");
  const segments = name.split("/");
  if (segments.some((segment) => segment === ""))
    problems.push("has an empty segment (a leading, doubled or trailing /)");
  if (segments.some((segment) => segment === "." || segment === ".."))
    problems.push('has a "." or ".." segment');
  if (problems.length > 0) return problems;
  const path = join(root, ...segments);
  const inside = relative(root, path);
  if (inside === "" || inside.startsWith("..") || resolve(root, inside) !== path)
    return ["resolves outside the directory"];
  return path;
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Whether writing `path` (below `root`, already checked by name) stays inside the real
 * `root`: the deepest directory on its way that exists already must really be inside, so a
 * symbolic link in the tree cannot lead the write, or the directories created for it, out.
 */
async function staysInside(root: string, realRoot: string, path: string): Promise<boolean> {
  const segments = relative(root, path).split(sep).slice(0, -1);
  let existing = root;
  for (const segment of segments) {
    const next = join(existing, segment);
    if (!(await lstat(next).catch(() => undefined))) break;
    existing = next;
  }
  return within(await realpath(existing), realRoot);
}

/** The failure recorded for a key ending in "/" that holds bytes. */
function folderKeyWithBytes(
  scope: ScopeRef,
  object: ObjectSummary,
  operation: string,
): DirTransferResult["failed"][number] {
  return {
    key: object.key,
    name: object.name,
    error: new ValidationError(
      `${operation}: refusing key ${JSON.stringify(object.key)}: it holds ${object.size} bytes, but a key ending in "/" cannot be a file (it names a folder)`,
      { operation, bucket: scope.bucketName, key: object.key },
    ),
  };
}

/** See Scope.downloadDir. */
export async function downloadDir(
  scope: ScopeRef,
  dir: string,
  options: DownloadDirOptions = {},
): Promise<DirTransferResult> {
  const operation = "downloadDir";
  const { concurrency, filter, progress, root } = treeSettings(dir, options, operation);
  const existing = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw failure(scope.context, error, { operation, bucket: scope.bucketName });
  });
  if (existing && !existing.isDirectory()) {
    throw new ValidationError(`${operation}: ${JSON.stringify(dir)} is not a directory`, {
      operation,
    });
  }
  const { signal } = options;
  const where: Target = { operation, bucket: scope.bucketName };
  throwIfAborted(scope.context, signal, where);
  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw failure(scope.context, error, where);
  });
  // Compared against each file's real parent, so a symlink inside `dir` cannot lead out of it.
  const realRoot = await realpath(root).catch((error: unknown) => {
    throw failure(scope.context, error, where);
  });
  const result = newResult();

  // A failed listing (or filter) ends the run; the files already started still finish first.
  let listError: unknown;
  async function* objects(): AsyncGenerator<{ object: ObjectSummary; path: string }> {
    try {
      yield* listed();
    } catch (error) {
      listError = error;
    }
  }
  async function* listed(): AsyncGenerator<{ object: ObjectSummary; path: string }> {
    for await (const object of iterList(scope, { signal })) {
      if (object.name !== "" && filter && !filter(object.name)) continue;
      if (object.name === "" || object.name.endsWith("/")) {
        // "folder/" markers made by consoles (and the scope's own) hold no data and have no
        // file to become; one that holds bytes cannot be written as a file either.
        if (object.size === 0) result.skipped++;
        else result.failed.push(folderKeyWithBytes(scope, object, operation));
        continue;
      }
      const path = localPath(root, object.name);
      if (typeof path !== "string") {
        result.failed.push({
          key: object.key,
          name: object.name,
          error: new ValidationError(
            `${operation}: refusing key ${JSON.stringify(object.key)}: its name ${path.join(", ")}, so it would not land inside ${JSON.stringify(root)}`,
            { operation, bucket: scope.bucketName, key: object.key },
          ),
        });
        continue;
      }
      progress.count(object.size);
      yield { object, path };
    }
    progress.seal();
  }

  await forEachLimited(
    objects(),
    concurrency,
    async ({ object, path }) => {
      try {
        if (!(await staysInside(root, realRoot, path))) {
          throw new ValidationError(
            `${operation}: refusing key ${JSON.stringify(object.key)}: a symbolic link below ${JSON.stringify(root)} leads outside it`,
            { operation, bucket: scope.bucketName, key: object.key },
          );
        }
        const fileProgress = progress.forFile();
        let loaded = 0;
        await downloadKnownObject(
          scope,
          object.key,
          path,
          { size: object.size, etag: object.etag },
          {
            // One GET per file: the tree's pool is the only concurrency.
            partSize: Math.max(object.size, 1),
            concurrency: 1,
            signal,
            operation,
            onBytes: (bytes) => {
              loaded += bytes;
              fileProgress({ loaded, total: object.size, percent: undefined });
            },
          },
        );
        result.transferred.push({ path, key: object.key, name: object.name, size: object.size });
      } catch (error) {
        result.failed.push({
          path,
          key: object.key,
          name: object.name,
          error: failure(scope.context, error, { ...where, key: object.key }),
        });
      }
    },
    signal,
  );
  throwIfAborted(scope.context, signal, where);
  if (listError !== undefined) throw failure(scope.context, listError, where);
  progress.finish();
  return finalResult(result);
}
