import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The layers of src/, highest first: a file may import from its own folder and from any folder
// below its own, never from one above (so folders cannot import in a circle either). The root
// files (index.ts, s3.ts, connect.ts) sit above every folder.
const LAYERS = [
  "bucket",
  "batch",
  "objects",
  "transfers",
  "listing",
  "settings",
  "common",
  "prefix",
  "client",
  "errors",
];
const HANDLES = ["bucket.ts", "prefix.ts", "read-scope.ts", "scope.ts"];
const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 70;

const SRC = resolve(import.meta.dirname, "../../src");

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The folder of a src file ("" for the root files). */
function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes("/") ? (rel.split("/")[0] ?? "") : "";
}

/** The rank of a folder: 0 for the root, higher is lower. */
function rankOf(folder: string): number {
  if (folder === "") return 0;
  const index = LAYERS.indexOf(folder);
  if (index === -1) throw new Error(`src/${folder}/ is not in the layer list`);
  return index + 1;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** Every relative module a file imports or re-exports, resolved to a src path. */
function importsOf(file: string): string[] {
  const found: string[] = [];
  for (const statement of parse(file).statements) {
    const spec =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (spec?.startsWith(".")) found.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  return found;
}

/** Every function-like node of a file longer than the limit, as "file:line name (N lines)". */
function longFunctions(file: string): string[] {
  const source = parse(file);
  const long: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && "text" in node.name ? node.name.text : "(anonymous)";
        long.push(`${relative(SRC, file)}:${start + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return long;
}

describe("architecture of src/", () => {
  const files = sourceFiles();

  it("never imports from a higher layer, nor across folders in a circle", () => {
    const upward = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => {
          const from = folderOf(file);
          const to = folderOf(target);
          return from !== to && rankOf(to) <= rankOf(from);
        })
        .map((target) => `${relative(SRC, file)} → ${relative(SRC, target)}`),
    );
    expect(upward).toEqual([]);
  });

  it("keeps only the handles in bucket/", () => {
    const handles = files.filter((file) => folderOf(file) === "bucket");
    expect(handles.map((file) => relative(join(SRC, "bucket"), file)).sort()).toEqual(HANDLES);
  });

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file, lines: readFileSync(file, "utf8").trimEnd().split("\n").length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
      .map(({ file, lines }) => `${relative(SRC, file)} (${lines} lines)`);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap(longFunctions)).toEqual([]);
  });
});
