import { defineConfig } from "vitest/config";
import { motoInstalled } from "./scripts/stores/moto.js";

const minioSetup = ["./tests/helpers/global-setup.ts"];

/**
 * A project again on the SDK's request path (S3KIT_TRANSPORT=sdk): every S3 a test builds
 * without naming its transport sends everything through the SDK's S3Client, so each promise
 * is checked on both paths. Tests that name a transport run as they say in both.
 */
function onSdkPath<T extends { test: { name: string; env?: Record<string, string> } }>(
  project: T,
): T {
  return {
    ...project,
    test: {
      ...project.test,
      name: `${project.test.name}-sdk`,
      env: { ...project.test.env, S3KIT_TRANSPORT: "sdk" },
    },
  };
}

const unit = {
  test: { name: "unit", include: ["tests/unit/**/*.test.ts"], testTimeout: 20_000 },
};
const integration = {
  test: {
    name: "integration",
    include: ["tests/integration/**/*.test.ts"],
    globalSetup: minioSetup,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};
/**
 * The integration suite again on moto (a second store, with its own capability profile): on
 * when the moto venv is there (`npx tsx scripts/stores/moto.ts --ensure`, which .ci/run does)
 * or S3KIT_TEST_MOTO=1 (the setup then makes it), off with S3KIT_TEST_MOTO=0 or when
 * S3KIT_TEST_ENDPOINT names one server for every project.
 */
const motoWanted =
  process.env.S3KIT_TEST_MOTO === "1" ||
  (process.env.S3KIT_TEST_MOTO !== "0" && !process.env.S3KIT_TEST_ENDPOINT && motoInstalled());
const integrationOnMoto = {
  test: { ...integration.test, name: "integration-moto", env: { S3KIT_TEST_STORE: "moto" } },
};

const faults = {
  test: {
    name: "faults",
    include: ["tests/faults/**/*.test.ts"],
    globalSetup: minioSetup,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
};

export default defineConfig({
  test: {
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    projects: [
      unit,
      onSdkPath(unit),
      integration,
      onSdkPath(integration),
      ...(motoWanted ? [integrationOnMoto] : []),
      {
        // npm pack + install of the tarball into an empty project: what a user really gets.
        test: { name: "package", include: ["tests/package/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        // Headless Chromium (Debian's chromium, installed by .ci/run) against MinIO.
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          globalSetup: minioSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The conformance checks from the packed package on Node 20/22/24, Bun, Deno and workerd.
        test: {
          name: "runtimes",
          include: ["tests/runtimes/**/*.test.ts"],
          globalSetup: minioSetup,
          testTimeout: 240_000,
          hookTimeout: 600_000,
        },
      },
      faults,
      onSdkPath(faults),
    ],
  },
});
