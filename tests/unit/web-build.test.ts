import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { webSiblings } from "../../scripts/web-build.js";
import { ValidationError } from "../../src/index.js";

const src = join(import.meta.dirname, "..", "..", "src");

/** Every `.web.ts` module of src, as paths relative to src. */
async function webModules(): Promise<string[]> {
  const entries = await readdir(src, { recursive: true });
  return entries.filter((path) => path.endsWith(".web.ts")).sort();
}

/**
 * Web modules that do the Node module's work with web APIs rather than refuse it; each is
 * checked against its Node sibling by its own tests (client/hmac: presign-url.test.ts;
 * client/lean/http-exchange, fetch: the runtime matrix, which runs it on Bun, Deno and workerd).
 */
const WEB_IMPLEMENTATIONS = ["client/hmac.web.ts", "client/lean/http-exchange.web.ts"];

describe("the web build (workerd, worker and browser conditions)", () => {
  it("has a stand-in for each Node-only feature, exporting the same functions, each failing with a ValidationError (or doing the same work)", async () => {
    const modules = await webModules();
    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const path of modules) {
      const web = (await import(join(src, path))) as Record<string, unknown>;
      const node = (await import(join(src, path.replace(/\.web\.ts$/, ".ts")))) as Record<
        string,
        unknown
      >;
      expect([path, Object.keys(web).sort()]).toEqual([path, Object.keys(node).sort()]);
      if (WEB_IMPLEMENTATIONS.includes(path)) continue;
      for (const [name, value] of Object.entries(web)) {
        expect([path, name, typeof value]).toEqual([path, name, "function"]);
        const call = async () => (value as (...args: unknown[]) => unknown)("a/path", "upload");
        const error = await call().then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(error, `${path} ${name}`).toBeInstanceOf(ValidationError);
        expect((error as Error).message).toMatch(/needs Node's file system or streams/);
      }
    }
  });

  it("bundles without any Node module (every node: import has a stand-in)", async () => {
    const result = await build({
      entryPoints: [join(src, "index.ts")],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      packages: "external",
      plugins: [webSiblings],
      logLevel: "silent",
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).map((file) => relative(src, file));
    const imported = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((entry) => entry.path),
    );
    expect(imported.filter((path) => path.startsWith("node:"))).toEqual([]);
    // The stand-ins are in the bundle and the Node-only modules they stand for are not.
    for (const path of await webModules()) {
      expect(inputs.some((input) => input.endsWith(path))).toBe(true);
      const nodePath = path.replace(/\.web\.ts$/, ".ts");
      expect(inputs.some((input) => input.endsWith(nodePath) && !input.endsWith(path))).toBe(false);
    }
  });
});
