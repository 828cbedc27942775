import { opendir } from "node:fs/promises";
import { join } from "node:path";

/**
 * A regular file found by the walk, a directory that could not be read, or an entry that is
 * neither a file nor a directory (skipped).
 */
export type WalkEntry =
  | { path: string; segments: string[]; skipped?: true }
  | { path: string; error: unknown };

/**
 * Every regular file below `root`, depth first, one directory handle per level. Symbolic
 * links are skipped, files and directories alike: following them could upload things
 * outside the tree or loop forever. Sockets, FIFOs and devices are skipped too; both come
 * out marked `skipped`, to be counted.
 */
export async function* walkFiles(root: string, segments: string[] = []): AsyncGenerator<WalkEntry> {
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
