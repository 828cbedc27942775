import { fetchExchange } from "./fetch-exchange.js";
import type { Exchange } from "./http-types.js";

/** The HTTP client of the web build: the runtime's fetch. */
export function httpExchange(): Exchange {
  return fetchExchange();
}
