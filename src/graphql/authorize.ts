import { ForbiddenError } from "../modules/errors.ts";
import type { GraphQLContext, Viewer } from "./context.ts";
import { AUTH_REQUIRED, unauthenticated } from "./http-errors.ts";

/** For mutations with typed errors: 401 without a token, a typed ForbiddenError for the wrong role. */
export function requireRole(ctx: GraphQLContext, allowed: readonly Viewer["role"][], what: string): Viewer {
  if (!ctx.viewer) throw unauthenticated(AUTH_REQUIRED);
  if (!allowed.includes(ctx.viewer.role)) throw new ForbiddenError(`A ${ctx.viewer.role} token may not ${what}`);
  return ctx.viewer;
}

export const SERVICE_ROLES = ["SERVICE"] as const;
/** Roles that may move a creator's own money (cash out). */
export const CREATOR_WRITE_ROLES = ["OWNER", "ADMIN"] as const;
