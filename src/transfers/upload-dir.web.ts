import { nodeOnly } from "../common/node-only.js";

/** `uploadDir` where there is no file system (the web build): a ValidationError. */
export async function uploadDir(..._: unknown[]): Promise<never> {
  throw nodeOnly(
    "uploadDir",
    "reading a local directory",
    "Upload bytes, a Blob or a ReadableStream with put().",
  );
}
