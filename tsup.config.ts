import { defineConfig } from "tsup";
import { webSiblings } from "./scripts/web-build.js";

// `removeNodeProtocol: false` keeps the `node:` specifiers of the source: Deno, Bun and workerd
// (nodejs_compat) know Node's modules by those names, and a bundler for a runtime without them
// sees at once what is Node's.
export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    target: "node20",
    removeNodeProtocol: false,
  },
  {
    // p-limit and p-retry ship ESM only; the CommonJS build carries them inside so
    // `require("s3kit")` works on every Node 20, not only where require(esm) is enabled.
    entry: ["src/index.ts"],
    format: ["cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    removeNodeProtocol: false,
    noExternal: ["p-limit", "p-retry", "yocto-queue", "is-network-error"],
  },
  {
    // For runtimes without Node's modules (package.json's workerd/worker/browser conditions):
    // the file-system and Node-stream features fail there with a ValidationError; see
    // scripts/web-build.ts. The types are the Node build's.
    entry: { index: "src/index.ts" },
    outDir: "dist/web",
    format: ["esm"],
    dts: false,
    sourcemap: true,
    target: "es2022",
    platform: "neutral",
    // One file: the file-system features that the Node build loads on first use (in chunks of
    // their own) are stand-ins of a few lines here, not worth a request each.
    splitting: false,
    removeNodeProtocol: false,
    esbuildPlugins: [webSiblings],
  },
]);
