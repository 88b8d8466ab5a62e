import type { IncomingMessage } from "node:http";

/**
 * The address a request came from, for per-address limits: the socket's peer, or (only
 * when the gateway sits behind a proxy you run, TRUST_PROXY=true) the left of
 * X-Forwarded-For.
 */
export function clientAddressOf(request: Request, serverContext: unknown, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded && forwarded.length <= 64) return forwarded;
  }
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress ?? null;
}

/** Records each request's address as it arrives (the socket is only known there) for later hooks. */
export function useClientAddress({ trustProxy }: { trustProxy: boolean }) {
  const addresses = new WeakMap<Request, string | null>();
  return {
    plugin: {
      onRequest({ request, serverContext }: { request: Request; serverContext: unknown }) {
        addresses.set(request, clientAddressOf(request, serverContext, trustProxy));
      },
    },
    addressOf: (request: Request): string | null =>
      addresses.has(request) ? addresses.get(request)! : clientAddressOf(request, undefined, trustProxy),
  };
}
