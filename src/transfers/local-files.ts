import { download } from "./download.js";
import { downloadDir } from "./download-dir.js";
import { openFile } from "./sources/open-file.js";
import { uploadDir } from "./upload-dir.js";

/**
 * The features that read or write local files, in one module so that the build puts them in
 * one chunk, loaded by `fileFeatures` on first use.
 */
export const localFiles = { download, downloadDir, uploadDir, openFile };
