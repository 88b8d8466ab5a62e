import { builder } from "../../graphql/builder.ts";
import { revokeToken } from "../accounts/token.service.ts";
import { NotFoundError } from "../errors.ts";

export const TokenRoleEnum = builder.enumType("TokenRole", {
  description: "What a token may do: organisation roles for creator accounts, SERVICE for platform services.",
  values: ["OWNER", "ADMIN", "MEMBER", "VIEWER", "SERVICE"] as const,
});

export const AccountRoleEnum = builder.enumType("AccountRole", {
  values: ["CREATOR", "SERVICE"] as const,
});

export const CurrencyType = builder.prismaObject("Currency", {
  fields: (t) => ({
    code: t.exposeString("code", { description: "ISO 4217 code, upper case." }),
    name: t.exposeString("name"),
    symbol: t.exposeString("symbol"),
    minorUnits: t.exposeInt("minorUnits", {
      description: "Digits after the decimal point: amounts are integers of 10^-minorUnits.",
    }),
  }),
});

export const AccountType = builder.prismaObject("Account", {
  fields: (t) => ({
    id: t.exposeInt("id"),
    email: t.exposeString("email"),
    displayName: t.exposeString("displayName"),
    slug: t.exposeString("slug"),
    logoUrl: t.exposeString("logoUrl", { nullable: true }),
    role: t.expose("role", { type: AccountRoleEnum }),
    currency: t.relation("currency"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

export const Viewer = builder.objectRef<{ accountId: number; role: "OWNER" | "ADMIN" | "MEMBER" | "VIEWER" | "SERVICE" }>(
  "Viewer",
);
Viewer.implement({
  description: "The account the presented token belongs to.",
  fields: (t) => ({
    tokenRole: t.expose("role", { type: TokenRoleEnum }),
    account: t.prismaField({
      type: "Account",
      resolve: (query, viewer, _args, ctx) => ctx.prisma.account.findUniqueOrThrow({ ...query, where: { id: viewer.accountId } }),
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    authScopes: { authenticated: true },
    description: "Who the presented token belongs to (401 without a valid token).",
    resolve: (_root, _args, ctx) => ctx.viewer!,
  }),
);

const RevokeTokenInput = builder.inputType("RevokeTokenInput", {
  fields: (t) => ({ tokenId: t.int({ required: true, description: "Id of a token of the viewer's own account." }) }),
});

const RevokeTokenPayload = builder.objectRef<{ tokenId: number; alreadyRevoked: boolean }>("RevokeTokenPayload").implement({
  fields: (t) => ({ tokenId: t.exposeInt("tokenId"), alreadyRevoked: t.exposeBoolean("alreadyRevoked") }),
});

builder.mutationField("revokeToken", (t) =>
  t.field({
    type: RevokeTokenPayload,
    description: "Revokes one of the viewer's own tokens (the presented one included). Idempotent.",
    authScopes: { authenticated: true },
    args: { input: t.arg({ type: RevokeTokenInput, required: true }) },
    errors: { types: [NotFoundError], directResult: true, union: { name: "RevokeTokenResult" } },
    resolve: async (_root, { input }, ctx) => {
      const owned = await ctx.prisma.apiToken.findFirst({ where: { id: input.tokenId, accountId: ctx.viewer!.accountId } });
      // Someone else's token id answers exactly like a missing one.
      if (!owned) throw new NotFoundError(`Token ${input.tokenId} does not exist`);
      const { alreadyRevoked } = await revokeToken(ctx.prisma, input.tokenId);
      return { tokenId: input.tokenId, alreadyRevoked };
    },
  }),
);
