import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPacked } from "../../scripts/conformance/consumer.js";

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
    project = await installPacked(work);
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

  it("issue 10: the core's types need no @types/node (a Workers project: skipLibCheck, web types only)", async () => {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        customConditions: ["workerd"],
      },
      files: ["worker.ts"],
    };
    await writeFile(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
    await writeFile(join(project, "worker.ts"), WORKER_TS);
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const { stdout } = await run("node", [tsc, "-p", ".", "--listFilesOnly"], { cwd: project });
    expect(stdout).not.toMatch(/@types[\\/]node/);
    const checked = await run("node", [tsc, "-p", "."], { cwd: project }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }),
    );
    // The @ts-expect-error lines prove the types are real: were they `any`, each would be unused.
    expect(checked.stdout).toBe("");
  });
});

/** A Worker's use of the core, typed against web types only; each @ts-expect-error must hold. */
const WORKER_TS = `import { S3, type PutBody, ValidationError } from "s3kit";
const s3 = new S3({ endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const bucket = s3.bucket("b");
export async function handle(request: Request): Promise<Response> {
  const bodies: PutBody[] = ["text", new Uint8Array(1), new Blob(["x"]), new ReadableStream<Uint8Array>(), { json: true }];
  for (const body of bodies) await bucket.put("k", body);
  // @ts-expect-error a number is not a body
  await bucket.put("k", 42);
  const text: string = await bucket.getText("k");
  const opened = await bucket.open("k", { range: { offset: 1, length: 2 } });
  const web: ReadableStream<Uint8Array> | null = opened.body;
  // @ts-expect-error a misspelt option
  await bucket.open("k", { rnage: { offset: 1 } });
  // @ts-expect-error respond gives a Response
  const wrong: number = await bucket.respond("k", request);
  const url: string = await bucket.presign("k", { method: "PUT", contentLength: 3 });
  const { fields } = await bucket.presignPost("k", { maxSize: 1024 });
  void [text, web, wrong, url, fields, ValidationError];
  return bucket.respond("k", request, { download: true });
}
`;
