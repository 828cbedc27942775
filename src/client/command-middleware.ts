import type { S3Client } from "@aws-sdk/client-s3";

/** A middleware stack, typed loosely enough to take s3kit's middleware for any command. */
export type Stack = S3Client["middlewareStack"];

/** Adds middleware to the stack of one command about to be sent (the command given too). */
export type CommandMiddleware = (stack: Stack, command: Sendable) => void;

/** A command about to be sent. */
export interface Sendable {
  middlewareStack: unknown;
  input: object;
  constructor: unknown;
}

interface SendingClient {
  send(command: Sendable, options: object): Promise<unknown>;
}

/**
 * A view of `client` whose `send` first adds `middleware` to each command's OWN stack. The
 * client itself (its stack, config, handlers) is never touched: a caller's client can be
 * wrapped any number of times and still behaves exactly as before for the caller's own calls.
 * Everything but `send` (config, middlewareStack, destroy) is the client's, through the prototype.
 */
export function withCommandMiddleware(client: S3Client, middleware: CommandMiddleware): S3Client {
  const view = Object.create(client) as S3Client;
  const send = (command: Sendable, options?: object) => {
    middleware(command.middlewareStack as Stack, command);
    // With an options object the SDK never reuses a handler cached for the command's class
    // (`cacheMiddleware`), which would skip the middleware just added.
    return (client as unknown as SendingClient).send(command, options ?? {});
  };
  Object.defineProperty(view, "send", { value: send });
  return view;
}
