/**
 * The build of s3kit for runtimes without Node's modules (Cloudflare Workers without
 * nodejs_compat, browsers, edge runtimes): package.json sends the `workerd`, `worker` and
 * `browser` export conditions to it. It is the same source, but each module that needs Node's
 * file system or streams has a sibling `<name>.web.ts` exporting the same functions, which
 * fail with a ValidationError; this esbuild plugin takes the sibling wherever such a module is
 * imported, and refuses any `node:` import that is left, so the build fails rather than a
 * Worker's bundle.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Plugin } from "esbuild";

export const webSiblings: Plugin = {
  name: "s3kit-web-siblings",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const source = resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
      const sibling = source.replace(/\.ts$/, ".web.ts");
      return source.endsWith(".ts") && existsSync(sibling) ? { path: sibling } : undefined;
    });
    build.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [
        {
          text: `${args.path}, imported by ${args.importer}, in the web build: give the importing module a .web.ts sibling without it`,
        },
      ],
    }));
  },
};
