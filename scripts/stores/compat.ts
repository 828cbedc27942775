/**
 * `npm run test:compat -- <store> [vitest arguments]`: the integration suite against another
 * store (minio, moto, seaweedfs or s3rver). The store is built or installed first when this
 * machine lacks it (SeaweedFS takes ten minutes or more to build), then vitest's global setup
 * starts it on 127.0.0.1 and the store's profile (tests/helpers/stores.ts) skips what it lacks.
 */
import { spawn } from "node:child_process";
import { ensureStore, STORE_NAMES, storeName } from "./start-store.js";

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name.startsWith("-")) {
    process.stderr.write(
      `usage: npm run test:compat -- <${STORE_NAMES.join("|")}> [vitest args]\n`,
    );
    return 2;
  }
  const store = storeName(name);
  process.stdout.write(`${store}: ${await ensureStore(store)}\n`);
  const child = spawn("npx", ["vitest", "run", "--project", "integration", ...rest], {
    env: { ...process.env, S3KIT_TEST_STORE: store, S3KIT_TEST_MOTO: "0" },
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  },
);
