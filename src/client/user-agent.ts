import type { S3Client } from "@aws-sdk/client-s3";

type UserAgentProvider = S3Client["config"]["defaultUserAgentProvider"];
type UserAgent = Awaited<ReturnType<UserAgentProvider>>;

/**
 * What the user agent says when the SDK's cannot be made: the SDK's sections without the OS
 * release and the versions only the failing call knows.
 */
const PORTABLE_USER_AGENT: UserAgent = [["aws-sdk-js"], ["ua", "2.1"], ["os/other"], ["lang/js"]];

/**
 * Makes the client's default user agent unable to fail a request. The SDK's Node user agent
 * names the OS release (`os.release()`) on every request, and Deno refuses that call without
 * `--allow-sys` (`NotCapable: Requires sys access to "osRelease"`), which failed every request
 * of a server granted only --allow-net, --allow-env and --allow-read. Where the SDK's provider
 * works (Node, Bun) its user agent is sent unchanged; after its first failure the portable one
 * is sent instead. Only for the client s3kit builds: one passed in is the caller's.
 */
export function tolerateUserAgentFailure(client: S3Client): void {
  const sdkProvider = client.config.defaultUserAgentProvider;
  let failed = false;
  client.config.defaultUserAgentProvider = async (...args: Parameters<UserAgentProvider>) => {
    if (!failed) {
      try {
        return await sdkProvider(...args);
      } catch {
        failed = true;
      }
    }
    return PORTABLE_USER_AGENT.map((section) => [...section] as UserAgent[number]);
  };
}

/** Characters a user-agent token may not hold; the SDK writes "-" for each. */
const NOT_TOKEN = /[^\w!$%&'*+\-.^`|~]/g;

/**
 * One section of a user agent as the SDK writes it: [name, version] → "name/version",
 * ["prefix/name", version] → "prefix/name#version".
 */
function section([name, version]: UserAgent[number]): string {
  const slash = name.indexOf("/");
  const prefix = slash === -1 ? "" : name.slice(0, slash);
  const rest = slash === -1 ? name : name.slice(slash + 1);
  const parts = [prefix, prefix === "api" ? rest.toLowerCase() : rest, version ?? ""]
    .filter((part) => part.length > 0)
    .map((part, index) =>
      index < 2 ? part.replace(NOT_TOKEN, "-") : part.replace(/[^\w!$%&'*+\-.^`|~#]/g, "-"),
    );
  return parts
    .map((part, index) => (index === 0 ? part : `${index === 1 ? "/" : "#"}${part}`))
    .join("");
}

/**
 * The User-Agent header the lean path sends: the SDK's own sections (from the client's
 * provider, so the same runtime, OS and versions), as the SDK spells them.
 */
export async function userAgentHeader(client: S3Client): Promise<string> {
  const sections = await client.config.defaultUserAgentProvider();
  return sections.map(section).join(" ");
}
