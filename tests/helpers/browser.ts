import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, launch, type Page } from "puppeteer-core";
import { afterAll, beforeAll } from "vitest";

/** Where Debian's chromium lives (`.ci/run` installs it); S3KIT_CHROMIUM points elsewhere. */
export function chromiumPath(): string {
  const path = process.env.S3KIT_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: install Debian's chromium or set S3KIT_CHROMIUM`);
  }
  return path;
}

/**
 * Headless Chromium as a root process on a machine without outside network: no sandbox, and
 * none of the background connections it would make to Google's hosts.
 */
export function launchChromium(): Promise<Browser> {
  return launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A web app on 127.0.0.1: the origin the page's uploads come from. */
export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** A request handler of the page server: undefined lets the default page answer. */
export type Route = (request: Request) => Promise<Response | undefined>;

/**
 * Serves an empty HTML page at "/" and hands every request to `route` first, through the
 * web Request/Response types (what a web framework gives a handler).
 */
export async function servePage(route: Route = async () => undefined): Promise<PageServer> {
  const server: Server = createServer(async (req, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const response =
      (await route(new Request(url, { method: req.method, headers }))) ??
      new Response("<!doctype html><title>s3kit</title>", {
        headers: { "content-type": "text/html" },
      });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body === null) return void res.end();
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a fetch in the page saw: status, a SHA-256 of the body (hex), and the body as text. */
export interface Fetched {
  status: number;
  sha256: string;
  text: string;
  headers: Record<string, string>;
}

/** A fetch run inside the page, as the page's own script would run it. */
export async function fetchInPage(
  page: Page,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Fetched> {
  return page.evaluate(
    async (url, init) => {
      const response = await fetch(url, init);
      const bytes = await response.arrayBuffer();
      const digest = await crypto.subtle.digest("SHA-256", bytes);
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        status: response.status,
        sha256: hex,
        text: new TextDecoder().decode(bytes),
        headers,
      };
    },
    url,
    init,
  );
}

/**
 * A presigned POST form submitted from the page as a browser does: the policy fields first,
 * then the file (S3 ignores fields after it).
 */
export async function postFormInPage(
  page: Page,
  form: { url: string; fields: Record<string, string> },
  file: { name: string; type: string; text: string },
): Promise<Fetched> {
  return page.evaluate(
    async (form, file) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
      data.append("file", new Blob([file.text], { type: file.type }), file.name);
      const response = await fetch(form.url, { method: "POST", body: data });
      const text = await response.text();
      return { status: response.status, sha256: "", text, headers: {} };
    },
    form,
    file,
  );
}

/** What `useBrowserPage()` hands the tests of a describe block. */
export interface BrowserPage {
  browser: Browser;
  app: PageServer;
  page: Page;
}

/**
 * For a describe block: headless Chromium with one page open at an app served on 127.0.0.1
 * (its routes from `route`), closed after the block.
 */
export function useBrowserPage(route?: Route): BrowserPage {
  const state = {} as BrowserPage;
  beforeAll(async () => {
    state.browser = await launchChromium();
    state.app = await servePage(route);
    state.page = await state.browser.newPage();
    await state.page.goto(state.app.url);
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.app?.close();
  });
  return state;
}
