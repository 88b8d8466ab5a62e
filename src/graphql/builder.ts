import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import ScopeAuthPlugin, { type AuthFailure } from "@pothos/plugin-scope-auth";
import { DateTimeResolver, SafeIntResolver } from "graphql-scalars";
import type PrismaTypes from "../generated/pothos-prisma-types.ts";
import { getDatamodel } from "../generated/pothos-prisma-types.ts";
import { type Capability, deniedMessage, may } from "../modules/accounts/permissions.ts";
import { DomainError, ForbiddenError } from "../modules/errors.ts";
import type { GraphQLContext } from "./context.ts";
import { AUTH_REQUIRED, unauthenticated } from "./http-errors.ts";

/** The Pothos builder: plugins and their options only; types live in src/modules/*. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    SafeInt: { Input: number; Output: number };
  };
  AuthScopes: { authenticated: boolean; can: Capability };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  // Errors before scope-auth: a refused capability becomes the field's typed ForbiddenError
  // where the field declares one (REST maps it to 403).
  plugins: [ErrorsPlugin, ScopeAuthPlugin, PrismaPlugin],
  scopeAuth: {
    // Subscriptions are authorised when they open (and re-checked by the event hub on changes).
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      can: (capability) => ctx.viewer !== null && may(ctx.viewer.role, capability),
    }),
    unauthorizedError: (_parent, ctx, _info, result) => {
      if (ctx.viewer === null) return unauthenticated(AUTH_REQUIRED);
      const capability = refusedCapability(result.failure);
      return new ForbiddenError(capability ? deniedMessage(ctx.viewer.role, capability) : "This token may not use this field");
    },
  },
  // Any field may refuse a capability: ForbiddenError is a possible result of every typed-error union.
  errors: { defaultTypes: [DomainError, ForbiddenError] },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.queryType({
  description: "Reads. Everything but `viewer`'s own account needs the capability docs/permissions.md names.",
});
builder.mutationType({
  description:
    "Writes. Each takes `(input: XInput!)` and answers `XResult = XPayload | typed errors`; money movements are idempotent.",
});
builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("SafeInt", SafeIntResolver);

/** The capability a scope check refused (scope maps fail as "any of" with the single `can` inside). */
function refusedCapability(failure: AuthFailure): Capability | null {
  if (failure.kind === "AuthScope") return failure.scope === "can" ? (failure.parameter as Capability) : null;
  if ("failures" in failure) {
    for (const inner of failure.failures) {
      const found = refusedCapability(inner);
      if (found) return found;
    }
  }
  return null;
}
