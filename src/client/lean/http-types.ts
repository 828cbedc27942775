import type { NodeReadable } from "../node-readable.js";

/** One HTTP request of the lean path, signed and ready to go. */
export interface HttpRequest {
  method: string;
  protocol: "http:" | "https:";
  /** The host to connect to (an IPv6 address without brackets). */
  hostname: string;
  /** The host as a URL spells it, port included when not the default. */
  host: string;
  /** Empty for the protocol's default port. */
  port: string;
  /** Path and query, encoded as signed. */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
}

/** What came back: the status, the headers (names in lower case) and the body, unread. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  /** A Node Readable on Node, a web stream elsewhere; null when the runtime says there is none. */
  body: NodeReadable | ReadableStream<Uint8Array> | null;
}

/** How one request is sent. */
export interface SendSettings {
  signal?: AbortSignal | undefined;
  /** Milliseconds the connection may stay silent (see S3Options.requestTimeout). */
  timeout: number;
}

/** The HTTP client of one S3 instance: Node's http module on Node, fetch elsewhere. */
export interface Exchange {
  send(request: HttpRequest, settings: SendSettings): Promise<HttpAnswer>;
  /** Closes the connections it keeps open. */
  close(): void;
}
