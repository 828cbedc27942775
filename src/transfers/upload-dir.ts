import { stat } from "node:fs/promises";
import { failure, throwIfAborted } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { fullKey } from "../prefix/keys.js";
import type { DirTransferResult } from "./dir-transfer-result.js";
import { runTree, startTree, type TreeRun } from "./run-tree.js";
import { notADirectory, statRoot } from "./tree-settings.js";
import { upload } from "./upload.js";
import {
  resolveUploadDirOptions,
  type UploadDirOptions,
  type UploadDirSettings,
} from "./upload-dir-options.js";
import { walkFiles } from "./walk-files.js";

const operation = "uploadDir";

/** A regular file the walk found, with its name under the scope. */
interface FoundFile {
  path: string;
  name: string;
  size: number;
}

/** See Scope.uploadDir. */
export async function uploadDir(
  scope: ScopeRef,
  dir: string,
  options: UploadDirOptions = {},
): Promise<DirTransferResult> {
  const settings = resolveUploadDirOptions(dir, options, scope.defaults);
  const run = startTree(scope, settings, operation);
  // Only a missing path is bad input; EACCES and the like are failures to report as such.
  const rootStats = await statRoot(scope, settings.root, run.where, ["ENOENT", "ENOTDIR"]);
  if (!rootStats?.isDirectory()) throw notADirectory(dir, operation);
  throwIfAborted(scope.context, settings.signal, run.where);
  return runTree(run, filesToUpload(run), (file) => uploadFile(run, file));
}

/**
 * The files to upload, as the walk finds them. A directory or file that cannot be read is
 * recorded as failed, links and special files as skipped; the filter leaves files out.
 */
async function* filesToUpload(run: TreeRun<UploadDirSettings>): AsyncGenerator<FoundFile> {
  const { scope, where, result, progress } = run;
  const { root, filter } = run.settings;
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

/** Uploads one file under its name, recording it as transferred or failed. */
async function uploadFile(
  run: TreeRun<UploadDirSettings>,
  { path, name, size }: FoundFile,
): Promise<void> {
  const { scope, where, result } = run;
  let key: string | undefined;
  try {
    key = fullKey(scope.path, name, operation, scope.bucketName);
    const uploaded = await upload(scope, path, key, {
      ...run.settings.upload,
      onProgress: run.progress.forFile(),
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
}
