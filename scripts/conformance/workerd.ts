/**
 * workerd (Cloudflare Workers) in the matrix: the consumer's worker.mjs is bundled the way
 * Wrangler bundles a Worker (esbuild; `workerd`, `worker` and `browser` export conditions, the
 * browser field, the `[alias]` table), then run once in workerd through Miniflare from npm. The
 * newest Miniflare needs Node ≥ 22, so it runs on the matrix's Node 22, whatever Node runs the
 * matrix.
 *
 * Three runtimes: without compatibility flags, where Node's modules do not exist (the bundle
 * must resolve without them); with `nodejs_compat`, where workerd provides them as `node:`
 * modules (left external, as Wrangler does); and with `nodejs_compat` plus the one `[alias]`
 * entry the README gives (XML_ALIAS), which is what a user of s3kit on Workers configures.
 */
import { builtinModules, createRequire } from "node:module";
import { join } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { nodePackage, projectRoot, type Runtime } from "./runtimes.js";

/**
 * How Wrangler has esbuild bundle a Worker (besides its plugins): the `workerd`, `worker` and
 * `browser` export conditions, and the browser platform, on which alone esbuild applies a
 * package.json browser map (the SDK's runtimeConfig.browser).
 */
export const WRANGLER_BUILD = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"],
} satisfies BuildOptions;

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
 * The `[alias]` entry of wrangler.toml that lets s3kit parse S3's XML answers on Workers. The
 * bundle otherwise takes the SDK's browser XML parser (@aws-sdk/xml-builder's `browser` field),
 * which needs the DOM's DOMParser, absent in workerd (aws-sdk-js-v3#7375). The package's `main`
 * build is one self-contained file with the plain-JavaScript parser that Node uses.
 */
export const XML_ALIAS: Readonly<Record<string, string>> = {
  "@aws-sdk/xml-builder": "@aws-sdk/xml-builder/dist-cjs/index.js",
};

const require = createRequire(import.meta.url);

/**
 * Wrangler's `alias`, applied as Wrangler applies it (its bundle.ts): an import whose
 * specifier is exactly a key, in any module of the bundle (dependencies too), loads the value
 * instead, resolved by Node's `require.resolve` from the project folder (Wrangler's: the folder
 * of wrangler.toml), before any export condition or browser field is consulted.
 */
function aliasPlugin(alias: Readonly<Record<string, string>>, project: string): Plugin {
  const literal = (key: string) => key.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");
  const filter = new RegExp(`^(${Object.keys(alias).map(literal).join("|")})$`);
  return {
    name: "wrangler-alias",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, (args) => {
        const target = alias[args.path];
        return target === undefined
          ? undefined
          : { path: require.resolve(target, { paths: [project] }) };
      });
    },
  };
}

/** How a worker is bundled: workerd's Node modules or none; Wrangler's `[alias]` table, if any. */
export interface WorkerBundle {
  nodejsCompat: boolean;
  alias?: Readonly<Record<string, string>>;
}

/**
 * Bundles consumer/worker.mjs for workerd into consumer/`<name>`.js; throws with esbuild's
 * messages when it cannot (a module that does not exist there).
 */
export async function bundleWorker(
  consumer: string,
  name: string,
  { nodejsCompat, alias }: WorkerBundle,
): Promise<string> {
  const outfile = join(consumer, `${name}.js`);
  const plugins = [
    ...(alias ? [aliasPlugin(alias, consumer)] : []),
    ...(nodejsCompat ? [nodeBuiltinsExternal] : []),
  ];
  try {
    await build({
      entryPoints: [join(consumer, "worker.mjs")],
      outfile,
      ...WRANGLER_BUILD,
      plugins,
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

function workerdRuntime(
  name: string,
  flags: string[],
  alias: WorkerBundle["alias"],
  expected: Runtime["expected"],
): Runtime {
  const node = nodePackage("22");
  const file = `worker.${name.replace(/[^a-z0-9]+/g, "-")}`;
  return {
    name,
    expected,
    fileSystem: false,
    packages: [node, miniflare],
    async command(consumer, [nodeDir = "", miniflareDir = ""]) {
      const nodejsCompat = flags.includes("nodejs_compat");
      const bundle = await bundleWorker(consumer, file, { nodejsCompat, alias });
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

/**
 * workerd without compatibility flags, bundled as Wrangler does without the alias (the SDK's
 * browser XML parser fails every XML answer the SDK's path reads: listings, DeleteObjects,
 * multipart; the lean path reads its own, so tags and error bodies work; a fix upstream shows
 * here as checks passing) and
 * with it (every check passes); and with nodejs_compat and the alias (every check passes).
 * Wrangler bundles with the `workerd`, `worker` and `browser` conditions, flags or not, so each
 * takes s3kit's web build, where the file-system features fail with a ValidationError.
 */
export function workerdRuntimes(): Runtime[] {
  return [
    workerdRuntime("workerd", [], undefined, {
      checks: {
        list: XML_PARSER,
        folders: XML_PARSER,
        deleteMany: XML_PARSER,
        "put stream (multipart)": XML_PARSER,
      },
    }),
    workerdRuntime("workerd + xml alias", [], XML_ALIAS, undefined),
    workerdRuntime("workerd + nodejs_compat + xml alias", ["nodejs_compat"], XML_ALIAS, undefined),
  ];
}
