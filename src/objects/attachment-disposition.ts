import { contentDisposition } from "./content-disposition.js";

/** `contentDisposition(filename)`: a Content-Disposition for downloading under `filename`. */
export function attachmentDisposition(filename: string): string {
  return contentDisposition(filename);
}
