import type { Plugin } from "graphql-yoga";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Viewer } from "../graphql/context.ts";
import { unauthenticated } from "../graphql/http-errors.ts";
import { authenticate } from "./credentials.ts";

/**
 * Puts `viewer` on the GraphQL context. A presented but invalid, revoked or expired token
 * fails the whole request with 401; no token means an anonymous viewer (fields that need
 * one answer 401 through their auth scopes).
 */
export function useViewer({ prisma }: { prisma: PrismaClient }): Plugin<{ viewer: Viewer | null; request: Request }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const auth = await authenticate(prisma, context.request.headers);
      if (auth.kind === "rejected") throw unauthenticated(auth.message, auth.code);
      extendContext({ viewer: auth.kind === "viewer" ? auth.viewer : null });
    },
  };
}
