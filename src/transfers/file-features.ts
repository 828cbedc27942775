import type { localFiles } from "./local-files.js";

type LocalFiles = typeof localFiles;

/** Imports the local-file features (one chunk of the build) on first use. */
async function load(): Promise<LocalFiles> {
  return (await import("./local-files.js")).localFiles;
}

/**
 * The features that read or write local files, each importing its code on its first call:
 * importing s3kit, the cold start of a Lambda or a Worker, loads none of it and no node:fs
 * through s3kit (tests/unit/cold-import.test.ts). In the web build they are the `.web.ts`
 * stand-ins, as with a static import.
 */
export const fileFeatures: LocalFiles = {
  async download(...args) {
    return (await load()).download(...args);
  },
  async downloadDir(...args) {
    return (await load()).downloadDir(...args);
  },
  async uploadDir(...args) {
    return (await load()).uploadDir(...args);
  },
  async openFile(...args) {
    return (await load()).openFile(...args);
  },
};
