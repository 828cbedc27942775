import { booleanOption, exclusiveOptions, headerOption, headerValue } from "../common/checks.js";
import {
  type CustomerKey,
  type CustomerKeyOption,
  callCustomerKey,
} from "../common/customer-key.js";
import type { ScopeDefaults } from "../common/defaults.js";
import { checkWebRequest } from "../common/serve-checks.js";
import { contentDisposition } from "./content-disposition.js";

/** Options of `respond()`. */
export interface RespondOptions extends CustomerKeyOption {
  /**
   * Send `Content-Disposition: attachment`, so that a browser saves the file, under
   * `filename` or else the key's last segment.
   * @default false
   */
  download?: boolean;
  /**
   * The file name a browser saves the object under (any Unicode; RFC 6266 / 8187). Without
   * `inline` it makes the answer an attachment.
   */
  filename?: string;
  /**
   * Send `Content-Disposition: inline` (shown in the browser), with `filename` if given.
   * Unset, with neither `download` nor `filename`, the Content-Disposition stored with the
   * object is sent, if any.
   * @default false
   */
  inline?: boolean;
  /**
   * Serve this version of the object; unset, the current one. Every answer is about that
   * version (404 when it does not exist), and its body never splices another one.
   */
  versionId?: string;
  /** The Cache-Control header of 200, 206 and 304 answers; unset, the one stored with the object, if any. */
  cacheControl?: string;
  /**
   * Cancels the S3 request and the body (pass the incoming `request.signal` to stop when the
   * client goes away): the call then rejects with S3OperationError, code "Aborted".
   */
  signal?: AbortSignal;
}

/** @internal The options of a `respond`, checked and complete. */
export interface RespondSettings {
  /** The Content-Disposition to send; undefined: the object's own. */
  disposition: string | undefined;
  cacheControl: string | undefined;
  versionId: string | undefined;
  signal: AbortSignal | undefined;
  /** The object's SSE-C key: the call's, else the scope's. */
  customerKey: CustomerKey | undefined;
}

/**
 * @internal Checks the request and the options of a `respond` for the full key `Key` under a
 * scope with these `defaults`.
 * @throws ValidationError for a request that is not a web Request, a bad option, or
 * `download` with `inline`.
 */
export function resolveRespondOptions(
  request: unknown,
  options: RespondOptions,
  Key: string,
  defaults: ScopeDefaults,
): RespondSettings {
  const operation = "respond";
  checkWebRequest(request, operation);
  booleanOption(options.download, "download", operation);
  booleanOption(options.inline, "inline", operation);
  exclusiveOptions(options, ["download", "inline"], operation);
  const filename = headerValue(options.filename, "filename", operation);
  const cacheControl = headerOption(options.cacheControl, "cacheControl", operation);
  const versionId = headerValue(options.versionId, "versionId", operation);
  let disposition: string | undefined;
  if (options.inline) {
    disposition =
      filename === undefined ? "inline" : contentDisposition(filename, { inline: true });
  } else if (options.download || filename !== undefined) {
    disposition = contentDisposition(filename ?? Key.split("/").filter(Boolean).pop() ?? Key);
  }
  const customerKey = callCustomerKey(defaults, options.sseCustomerKey, operation);
  return { disposition, cacheControl, versionId, signal: options.signal, customerKey };
}
