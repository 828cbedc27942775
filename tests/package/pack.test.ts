import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");

/** What a consumer checks after importing the package, from ESM and from CommonJS alike. */
const probe = `
const s3 = new S3({ endpoint: "http://127.0.0.1:9", region: "us-east-1",
  credentials: { accessKeyId: "AKIDPACKTEST", secretAccessKey: "secret-pack-test" } });
const folder = s3.bucket("b").prefix("logs", "2025");
let refused = "no";
try { await folder.put("/abs", "x"); } catch (error) {
  refused = error instanceof ValidationError && isS3Error(error) ? "ValidationError" : String(error);
}
console.log(JSON.stringify({ path: folder.path, refused }));
s3.close();
`;

/**
 * What `npm pack` makes from a clean checkout: the tarball must hold the build (the prepack
 * script makes it), install into an empty project and load from ESM and CommonJS.
 */
describe("the packed package", () => {
  let work: string;
  let project: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "s3kit-pack-"));
    await run("npm", ["pack", "--pack-destination", work], { cwd: root });
    const tarball = (await readdir(work)).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack made no tarball");
    project = join(work, "consumer");
    await run("mkdir", ["-p", project]);
    await writeFile(join(project, "package.json"), '{ "name": "consumer", "private": true }\n');
    await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, tarball)],
      { cwd: project },
    );
  }, 240_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("hardening 19: npm pack ships the build, importable from ESM", async () => {
    const code = `import { S3, ValidationError, isS3Error } from "s3kit";\n${probe}`;
    await writeFile(join(project, "esm.mjs"), code);
    const { stdout } = await run("node", ["esm.mjs"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ path: "logs/2025/", refused: "ValidationError" });
  });

  it("hardening 19: npm pack ships the build, requirable from CommonJS", async () => {
    const code = `const { S3, ValidationError, isS3Error } = require("s3kit");\n(async () => {\n${probe}\n})();`;
    await writeFile(join(project, "cjs.cjs"), code);
    const { stdout } = await run("node", ["cjs.cjs"], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ path: "logs/2025/", refused: "ValidationError" });
  });

  it("issue 10: a fresh install holds one copy of @aws-sdk/client-s3, not one per SDK package", async () => {
    const ls = ["ls", "@aws-sdk/client-s3", "--all", "--parseable"];
    const { stdout } = await run("npm", ls, { cwd: project });
    const copies = new Set(stdout.split("\n").filter((line) => line.trim() !== ""));
    const { stdout: tree } = await run("npm", ["ls", "@aws-sdk/client-s3", "--all"], {
      cwd: project,
    });
    expect([...copies], `npm ls @aws-sdk/client-s3 --all:\n${tree}`).toHaveLength(1);
  });

  it("hardening 19: the packed type declarations resolve for import and require", async () => {
    await writeFile(
      join(project, "check.mts"),
      'import { S3, type PutResult } from "s3kit";\nconst result: Promise<PutResult> = new S3().bucket("b").put("k", "v");\nvoid result;\n',
    );
    await writeFile(
      join(project, "check.cts"),
      'import s3kit = require("s3kit");\nconst bucket: s3kit.Bucket = new s3kit.S3().bucket("b");\nvoid bucket;\n',
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const options = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext"];
    const args = [...options, "--types", "node", "--typeRoots", join(root, "node_modules/@types")];
    const { stdout } = await run("node", [tsc, ...args, "check.mts", "check.cts"], {
      cwd: project,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
    expect(stdout).toBe("");
  });
});
