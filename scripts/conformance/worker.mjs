/**
 * The conformance entry for workerd (Cloudflare Workers): bundled with checks.mjs and s3kit,
 * it answers any request with the report; the server and bucket come from the CONFORMANCE
 * binding (JSON), which the runner sets.
 */
import { conformance, report } from "./checks.mjs";

export default {
  async fetch(_request, env) {
    const results = await conformance(JSON.parse(env.CONFORMANCE));
    const failed = results.some((result) => !result.ok);
    return new Response(`${report(results)}\n`, { status: failed ? 500 : 200 });
  },
};
