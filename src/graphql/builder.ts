import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import { DateTimeResolver, SafeIntResolver } from "graphql-scalars";
import type PrismaTypes from "../generated/pothos-prisma-types.ts";
import { getDatamodel } from "../generated/pothos-prisma-types.ts";
import { DomainError } from "../modules/errors.ts";
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
  AuthScopes: { authenticated: boolean; creator: boolean; service: boolean };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin],
  scopeAuth: {
    authScopes: (ctx) => ({
      authenticated: ctx.viewer !== null,
      creator: ctx.viewer !== null && ctx.viewer.role !== "SERVICE",
      service: ctx.viewer?.role === "SERVICE",
    }),
    unauthorizedError: (_parent, ctx) => (ctx.viewer === null ? unauthenticated(AUTH_REQUIRED) : new ForbiddenGraphQLError()),
  },
  errors: { defaultTypes: [DomainError] },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

class ForbiddenGraphQLError extends Error {
  constructor() {
    super("This token's role may not use this field");
  }
}

builder.queryType({});
builder.mutationType({});
builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("SafeInt", SafeIntResolver);
