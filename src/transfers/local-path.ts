import { lstat, realpath } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";

/**
 * The local path for an object name below `root`, or why it may not be written there. Names
 * are split on "/" only; a backslash is refused outright (it is a separator on Windows, and
 * "a\\..\\x" must not mean anything on any system), as are empty, "." and ".." segments and
 * NUL characters, so no name can climb out of the directory or alias another.
 */
export function localPath(root: string, name: string): string | string[] {
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
export async function staysInside(root: string, realRoot: string, path: string): Promise<boolean> {
  const segments = relative(root, path).split(sep).slice(0, -1);
  let existing = root;
  for (const segment of segments) {
    const next = join(existing, segment);
    if (!(await lstat(next).catch(() => undefined))) break;
    existing = next;
  }
  return within(await realpath(existing), realRoot);
}
