import { relative } from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import tsupConfigs from "../../tsup.config.js";

const root = relative(process.cwd(), `${import.meta.dirname}/../..`) || ".";
const FILE_SYSTEM = ["fs", "node:fs", "fs/promises", "node:fs/promises"];

/** The Node ES module build as tsup makes it (tsup.config.ts's first entry): split into chunks. */
async function nodeBuild(entryPoint = "src/index.ts"): Promise<Metafile> {
  const result = await build({
    entryPoints: [`${root}/${entryPoint}`],
    bundle: true,
    write: false,
    outdir: "out",
    format: "esm",
    splitting: true,
    platform: "node",
    packages: "external",
    logLevel: "silent",
    metafile: true,
  });
  return result.metafile;
}

/** The output files a fresh `import` of the entry loads: it and its static imports, recursively. */
function loadedAtImport(metafile: Metafile, entryPoint: string): string[] {
  const entry = Object.keys(metafile.outputs).find((path) =>
    metafile.outputs[path]?.entryPoint?.endsWith(entryPoint),
  );
  const loaded = new Set<string>(entry ? [entry] : []);
  for (const path of loaded) {
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) loaded.add(imported.path);
    }
  }
  return [...loaded];
}

/** What the outputs loaded at import take from the file system modules, and from which sources. */
function fileSystemAtImport(metafile: Metafile, entryPoint = "src/index.ts"): string[] {
  return loadedAtImport(metafile, entryPoint).flatMap((path) => {
    const output = metafile.outputs[path];
    const external = (output?.imports ?? []).filter(
      (imported) => imported.external && FILE_SYSTEM.includes(imported.path),
    );
    if (external.length === 0) return [];
    const sources = Object.keys(output?.inputs ?? {}).filter((input) =>
      metafile.inputs[input]?.imports.some((imported) => FILE_SYSTEM.includes(imported.path)),
    );
    const modules = [...new Set(external.map((imported) => imported.path))];
    return [`${path} imports ${modules.join(", ")} for ${sources.join(", ")}`];
  });
}

describe("issue 11: the cold start of the core on Node", () => {
  it("imports no node:fs through s3kit's own modules: the file features load on first use", async () => {
    const metafile = await nodeBuild();
    expect(fileSystemAtImport(metafile)).toEqual([]);
    // The file features are in the build, in chunks of their own that only a call loads.
    const everything = Object.values(metafile.outputs).flatMap((output) =>
      output.imports.filter((imported) => FILE_SYSTEM.includes(imported.path)),
    );
    expect(everything.length).toBeGreaterThan(0);
  });

  it("loads the entry and at most one chunk at import: the file features are one lazy module", async () => {
    // Each ES module costs its own load: one lazy import per feature split the build into
    // seven files at import, which took longer to import than the one file it replaced.
    const loaded = loadedAtImport(await nodeBuild(), "src/index.ts");
    expect(loaded.length).toBeGreaterThanOrEqual(1);
    expect(loaded.length).toBeLessThanOrEqual(2);
  });

  it("would see one: an entry importing node:fs/promises statically is reported, with its source", async () => {
    const entryPoint = "src/transfers/download.ts";
    const [report] = fileSystemAtImport(await nodeBuild(entryPoint), entryPoint);
    expect(report).toMatch(/imports node:fs\/promises for .*src\/transfers\/download\.ts/);
  });

  it("keeps the Node ES module build split, which is what keeps those chunks out of the import", () => {
    const [node] = tsupConfigs as Array<{ format?: string[]; splitting?: boolean }>;
    expect(node?.format).toEqual(["esm"]);
    expect(node?.splitting).not.toBe(false);
  });
});
