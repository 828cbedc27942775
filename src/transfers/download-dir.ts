import { mkdir, realpath } from "node:fs/promises";
import { failure, throwIfAborted } from "../client/context.js";
import type { ScopeRef } from "../common/scope-ref.js";
import { ValidationError } from "../errors/validation-error.js";
import { iterList } from "../listing/iter-list.js";
import type { ObjectSummary } from "../listing/object-summary.js";
import type { DirTransferResult } from "./dir-transfer-result.js";
import { type DownloadDirOptions, resolveDownloadDirOptions } from "./download-dir-options.js";
import { downloadKnownObject } from "./download-known-object.js";
import { localPath, staysInside } from "./local-path.js";
import { runTree, startTree, type TreeRun } from "./run-tree.js";
import { notADirectory, statRoot } from "./tree-settings.js";

const operation = "downloadDir";

/** A listed object to download, with the local path its name leads to. */
interface ListedObject {
  object: ObjectSummary;
  path: string;
}

/** See Scope.downloadDir. */
export async function downloadDir(
  scope: ScopeRef,
  dir: string,
  options: DownloadDirOptions = {},
): Promise<DirTransferResult> {
  const run = startTree(scope, resolveDownloadDirOptions(dir, options, scope.defaults), operation);
  const realRoot = await makeTargetDir(run, dir);
  return runTree(run, objectsToDownload(run), (listed) => downloadFile(run, realRoot, listed));
}

/**
 * Makes the target directory (an existing one is fine, anything else is not) and returns its
 * real path, which each file's real parent is compared against, so a symlink inside `dir`
 * cannot lead out of it.
 */
async function makeTargetDir(run: TreeRun, dir: string): Promise<string> {
  const { scope, where } = run;
  const { root, signal } = run.settings;
  const existing = await statRoot(scope, root, where, ["ENOENT"]);
  if (existing && !existing.isDirectory()) throw notADirectory(dir, operation);
  throwIfAborted(scope.context, signal, where);
  await mkdir(root, { recursive: true }).catch((error: unknown) => {
    throw failure(scope.context, error, where);
  });
  return realpath(root).catch((error: unknown) => {
    throw failure(scope.context, error, where);
  });
}

/**
 * The objects to download, as the listing finds them. Folder markers are skipped; keys that
 * cannot become a file inside the directory are refused and recorded as failed.
 */
async function* objectsToDownload(run: TreeRun): AsyncGenerator<ListedObject> {
  const { result, progress } = run;
  const { root, filter, signal } = run.settings;
  for await (const object of iterList(run.scope, { signal })) {
    if (object.name !== "" && filter && !filter(object.name)) continue;
    if (object.name === "" || object.name.endsWith("/")) {
      // "folder/" markers made by consoles (and the scope's own) hold no data and have no
      // file to become; one that holds bytes cannot be written as a file either.
      if (object.size === 0) {
        result.skipped++;
      } else {
        const why = `it holds ${object.size} bytes, but a key ending in "/" cannot be a file (it names a folder)`;
        refuse(run, object, why);
      }
      continue;
    }
    const path = localPath(root, object.name);
    if (typeof path !== "string") {
      refuse(
        run,
        object,
        `its name ${path.join(", ")}, so it would not land inside ${JSON.stringify(root)}`,
      );
      continue;
    }
    progress.count(object.size);
    yield { object, path };
  }
  progress.seal();
}

/** Why a key is not downloaded, as a ValidationError. */
function refusal(run: TreeRun, object: ObjectSummary, why: string): ValidationError {
  return new ValidationError(`${operation}: refusing key ${JSON.stringify(object.key)}: ${why}`, {
    operation,
    bucket: run.scope.bucketName,
    key: object.key,
  });
}

/** Records a key refused before any request (it has no local path). */
function refuse(run: TreeRun, object: ObjectSummary, why: string): void {
  run.result.failed.push({ key: object.key, name: object.name, error: refusal(run, object, why) });
}

/** Downloads one object to its path with one GET, recording it as transferred or failed. */
async function downloadFile(
  run: TreeRun,
  realRoot: string,
  { object, path }: ListedObject,
): Promise<void> {
  const { scope, where, result } = run;
  const { root, signal } = run.settings;
  try {
    if (!(await staysInside(root, realRoot, path))) {
      throw refusal(run, object, `a symbolic link below ${JSON.stringify(root)} leads outside it`);
    }
    const fileProgress = run.progress.forFile();
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
}
