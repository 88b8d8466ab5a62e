import { typedErrors } from "../../graphql/results.ts";
import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { revokeAccountToken } from "../accounts/token.service.ts";
import { ForbiddenError, NotFoundError } from "../errors.ts";

export const TokenRoleEnum = builder.enumType("TokenRole", {
  description: "What a token may do: organisation roles for creator accounts, SERVICE for platform services.",
  values: {
    OWNER: { description: "Everything the account can do." },
    ADMIN: { description: "Everything the account can do (the Stats API's administrator)." },
    MEMBER: { description: "Reads, reports and invitations; no cashouts, no linked-account changes." },
    VIEWER: { description: "Reads only (no reports)." },
    SERVICE: { description: "A platform service: records sales, settles payouts, manages the catalog and invoices." },
  } as const,
});

export const AccountRoleEnum = builder.enumType("AccountRole", {
  description: "What kind of account: a creator, or a platform service.",
  values: {
    CREATOR: { description: "A creator (or agency) with a wallet." },
    SERVICE: { description: "A platform service; no wallet." },
  } as const,
});

export const CurrencyType = builder.prismaObject("Currency", {
  description: "An ISO 4217 currency and how many decimal digits its minor units have.",
  fields: (t) => ({
    code: t.exposeString("code", { description: "ISO 4217 code, upper case." }),
    name: t.exposeString("name", { description: "English name, e.g. Euro." }),
    symbol: t.exposeString("symbol", { description: "Display symbol, e.g. \u20ac." }),
    minorUnits: t.exposeInt("minorUnits", {
      description: "Digits after the decimal point: amounts are integers of 10^-minorUnits.",
    }),
  }),
});

export const AccountType = builder.prismaObject("Account", {
  description: "A creator or platform-service account: its public profile (name, slug, logo, currency).",
  interfaces: [NodeInterface],
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Account")),
    email: t.exposeString("email", { description: "The login email (lower case)." }),
    displayName: t.exposeString("displayName", { description: "The public name." }),
    slug: t.exposeString("slug", { description: "URL-safe name derived from the display name." }),
    logoUrl: t.exposeString("logoUrl", { description: "The avatar or logo, if any.", nullable: true }),
    role: t.expose("role", { description: "A creator or a platform service.", type: AccountRoleEnum }),
    currency: t.relation("currency", { description: "The account's (and its wallet's) currency." }),
    createdAt: t.expose("createdAt", { description: "When the account was created.", type: "DateTime" }),
  }),
});

export const Viewer = builder.objectRef<{ accountId: number; role: "OWNER" | "ADMIN" | "MEMBER" | "VIEWER" | "SERVICE" }>(
  "Viewer",
);
Viewer.implement({
  description: "The account the presented token belongs to.",
  fields: (t) => ({
    tokenRole: t.expose("role", { type: TokenRoleEnum, description: "The presented token's role." }),
    account: t.prismaField({
      type: "Account",
      description: "The account the token belongs to.",
      resolve: (query, viewer, _args, ctx) => ctx.prisma.account.findUniqueOrThrow({ ...query, where: { id: viewer.accountId } }),
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    authScopes: { can: "account.read" },
    description: "Who the presented token belongs to (401 without a valid token).",
    resolve: (_root, _args, ctx) => ctx.viewer!,
  }),
);

const RevokeTokenInput = builder.inputType("RevokeTokenInput", {
  description: "The token to revoke.",
  fields: (t) => ({
    tokenId: t.int({ required: true, description: "The presented token's id, or (OWNER/ADMIN) another token of the account." }),
  }),
});

const RevokeTokenPayload = builder.objectRef<{ tokenId: number; alreadyRevoked: boolean }>("RevokeTokenPayload").implement({
  description: "RevokeToken succeeded (or the token was already revoked).",
  fields: (t) => ({
    tokenId: t.exposeInt("tokenId", { description: "The revoked token." }),
    alreadyRevoked: t.exposeBoolean("alreadyRevoked", { description: "Whether it had been revoked before." }),
  }),
});

builder.mutationField("revokeToken", (t) =>
  t.field({
    type: RevokeTokenPayload,
    description:
      "Revokes a token: any token may revoke itself; OWNER and ADMIN tokens may revoke any token of their own account. Idempotent.",
    authScopes: { can: "tokens.revokeOwn" },
    args: { input: t.arg({ description: "The token to revoke.", type: RevokeTokenInput, required: true }) },
    errors: typedErrors("RevokeToken", [NotFoundError, ForbiddenError]),
    resolve: async (_root, { input }, ctx) => {
      const { alreadyRevoked } = await revokeAccountToken(ctx.prisma, ctx.viewer!, input.tokenId);
      return { tokenId: input.tokenId, alreadyRevoked };
    },
  }),
);
