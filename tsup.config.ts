import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    target: "node20",
  },
  {
    // p-limit and p-retry ship ESM only; the CommonJS build carries them inside so
    // `require("s3kit")` works on every Node 20, not only where require(esm) is enabled.
    entry: ["src/index.ts"],
    format: ["cjs"],
    dts: true,
    sourcemap: true,
    target: "node20",
    noExternal: ["p-limit", "p-retry", "yocto-queue", "is-network-error"],
  },
]);
