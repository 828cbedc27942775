import { nodeOnly } from "../common/node-only.js";

/** `downloadDir` where there is no file system (the web build): a ValidationError. */
export async function downloadDir(..._: unknown[]): Promise<never> {
  throw nodeOnly(
    "downloadDir",
    "writing local files",
    "Read each object with open() or getBytes().",
  );
}
