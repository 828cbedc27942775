import { defineConfig } from "vitest/config";

const minioSetup = ["./tests/helpers/global-setup.ts"];

export default defineConfig({
  test: {
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    projects: [
      {
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], testTimeout: 20_000 },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: minioSetup,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
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
        test: {
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          globalSetup: minioSetup,
          testTimeout: 300_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
