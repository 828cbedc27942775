/**
 * workerd (Cloudflare Workers) in the matrix: the consumer's worker.mjs is bundled the way
 * Wrangler bundles a Worker (esbuild; `workerd`, `worker` and `browser` export conditions, the
 * browser field), then run once in workerd through Miniflare from npm. The newest Miniflare
 * needs Node ≥ 22, so it runs on the matrix's Node 22, whatever Node runs the matrix.
 *
 * Two runtimes: without compatibility flags, where Node's modules do not exist (the bundle
 * must resolve without them), and with `nodejs_compat`, where workerd provides them as
 * `node:` modules (left external, as Wrangler does).
 */
import { builtinModules } from "node:module";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { nodePackage, projectRoot, type Runtime } from "./runtimes.js";

export const MINIFLARE_VERSION = "4.20260730.0";
/** The Workers compatibility date the worker runs with. */
export const COMPATIBILITY_DATE = "2026-01-01";

const miniflare = {
  spec: `miniflare@${MINIFLARE_VERSION}`,
  marker: "node_modules/miniflare/dist/src/index.js",
};

/**
 * With nodejs_compat, `fs` and `node:fs` alike are workerd's own modules: imports are left to
 * it; a CommonJS `require()` of one (mime-types requires `path`) becomes an import of its
 * default export, since workerd has no dynamic require; Wrangler's bundler does the same.
 */
const nodeBuiltinsExternal: Plugin = {
  name: "node-builtins-external",
  setup(pluginBuild) {
    const names = builtinModules.filter((name) => !name.startsWith("_"));
    const filter = new RegExp(`^(node:.*|(${names.join("|")})(/.*)?)$`);
    const nodeName = (path: string) => (path.startsWith("node:") ? path : `node:${path}`);
    pluginBuild.onResolve({ filter }, (args) =>
      args.kind === "require-call"
        ? { path: nodeName(args.path), namespace: "node-require" }
        : { path: nodeName(args.path), external: true },
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: "node-require" }, (args) => ({
      contents: `import builtin from ${JSON.stringify(args.path)};\nmodule.exports = builtin;\n`,
      loader: "js",
    }));
  },
};

/**
 * Bundles consumer/worker.mjs for workerd into consumer/<file>; throws with esbuild's messages
 * when it cannot (a module that does not exist there).
 */
export async function bundleWorker(consumer: string, nodejsCompat: boolean): Promise<string> {
  const outfile = join(consumer, nodejsCompat ? "worker.nodejs-compat.js" : "worker.plain.js");
  try {
    await build({
      entryPoints: [join(consumer, "worker.mjs")],
      outfile,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      plugins: nodejsCompat ? [nodeBuiltinsExternal] : [],
      logLevel: "silent",
    });
  } catch (error) {
    const errors = (error as { errors?: Array<{ text: string; location?: { file: string } }> })
      .errors;
    if (!errors) throw error;
    const texts = errors.map((e) => `${e.text}${e.location ? ` (${e.location.file})` : ""}`);
    throw new Error(`the bundle fails: ${[...new Set(texts)].join("; ")}`);
  }
  return outfile;
}

/** The SDK's browser XML parser (the bundle takes it by the browser field) needs DOMParser. */
const XML_PARSER = "DOMParser is not defined";

function workerdRuntime(name: string, flags: string[], expected: Runtime["expected"]): Runtime {
  const node = nodePackage("22");
  return {
    name,
    expected,
    packages: [node, miniflare],
    async command(consumer, [nodeDir = "", miniflareDir = ""]) {
      const bundle = await bundleWorker(consumer, flags.includes("nodejs_compat"));
      return [
        join(nodeDir, node.marker),
        join(projectRoot, "scripts", "conformance", "miniflare-run.mjs"),
        join(miniflareDir, miniflare.marker),
        bundle,
        COMPATIBILITY_DATE,
        ...flags,
      ];
    },
  };
}

/** workerd without compatibility flags, and with nodejs_compat. */
export function workerdRuntimes(): Runtime[] {
  return [
    workerdRuntime("workerd", [], { start: 'Could not resolve "node:fs/promises"' }),
    workerdRuntime("workerd + nodejs_compat", ["nodejs_compat"], {
      checks: {
        list: XML_PARSER,
        folders: XML_PARSER,
        deleteMany: XML_PARSER,
        "setTags+getTags": XML_PARSER,
        "missing key → ObjectNotFoundError": XML_PARSER,
      },
    }),
  ];
}
