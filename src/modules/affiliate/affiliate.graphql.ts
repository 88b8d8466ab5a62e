import { MAX_PAGE_SIZE } from "../ledger/ledger-query.ts";
import { typedErrors } from "../../graphql/results.ts";
import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { InvalidCursorError, ValidationError } from "../errors.ts";
import { LedgerConnectionType, LedgerOrderEnum, PageInfo } from "../ledger/ledger.graphql.ts";
import { Viewer } from "../viewer/viewer.graphql.ts";
import { findInvitation, invitationFor, invitationUrl } from "./invitation.service.ts";
import { conversionRate } from "../dashboard/dashboard.service.ts";
import { type Conversion, type FeeChange } from "./analytics.service.ts";
import { type InvitedPage, invitedPage } from "./referral.service.ts";

const feePercentage = (bps: number) => (bps / 100).toFixed(2).replace(/\.?0+$/, "");

export const InvitationType = builder.prismaObject("AffiliateInvitation", {
  name: "Invitation",
  interfaces: [NodeInterface],
  description: "A shareable invitation: a link and a short code, for one fee.",
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Invitation")),
    url: t.string({ description: "<APP_LINK_BASE>/applink/<uuid>", resolve: (i, _a, ctx) => invitationUrl(ctx.appLinkBase, i) }),
    uuid: t.exposeString("uuid", { description: "The id in the invitation link." }),
    code: t.exposeString("code", { description: "Case-insensitive, unique, not sequential." }),
    feeBasisPoints: t.exposeInt("feeBps", { description: "The referrer's share of each sale, in basis points (450 = 4.5 %)." }),
    feePercentage: t.string({
      description: 'The same as a decimal percentage, e.g. "4.5".',
      resolve: (i) => feePercentage(i.feeBps),
    }),
    createdAt: t.expose("createdAt", { description: "When it was created.", type: "DateTime" }),
    registrations: t.relationCount("referrals", { description: "Creators who registered with it." }),
    conversion: t.field({
      type: ConversionType,
      description: "Visits -> registrations -> first earning.",
      resolve: (i, _a, ctx) => ctx.loaders.invitationConversion.load(i.id),
    }),
  }),
});

const FeeChangeType = builder.objectRef<FeeChange>("FeeChange").implement({
  description: "A fee a referral had from a moment on.",
  fields: (t) => ({
    feeBasisPoints: t.exposeInt("feeBps", { description: "The referrer's share, in basis points." }),
    feePercentage: t.string({
      description: 'The same as a decimal percentage, e.g. "4.5".',
      resolve: (f) => feePercentage(f.feeBps),
    }),
    changedAt: t.expose("changedAt", { type: "DateTime", description: "From when (registration for the first)." }),
  }),
});

const ConversionType = builder.objectRef<Conversion>("InvitationConversion").implement({
  description:
    "An invitation's funnel: reported visits, registrations, registered creators who have earned the inviter something.",
  fields: (t) => ({
    visits: t.exposeInt("visits", { description: "Visits the app reported (recordInvitationVisit; one per event id)." }),
    registrations: t.exposeInt("registrations", { description: "Creators who registered with it." }),
    firstEarnings: t.exposeInt("firstEarnings", { description: "Of those, creators who have earned the inviter something." }),
    visitToRegistration: t.string({
      description: 'registrations / visits, 4 decimals, half up; "0" without visits.',
      resolve: (c) => conversionRate(BigInt(c.registrations), BigInt(c.visits)),
    }),
    registrationToFirstEarning: t.string({
      description: 'firstEarnings / registrations, 4 decimals, half up; "0" without registrations.',
      resolve: (c) => conversionRate(BigInt(c.firstEarnings), BigInt(c.registrations)),
    }),
  }),
});

const InvitedCreator = builder.objectRef<InvitedPage["edges"][number]["node"]>("InvitedCreator").implement({
  description: "A creator who registered with one of the viewer's invitations, and what the viewer earned from them.",
  fields: (t) => ({
    accountId: t.exposeInt("accountId", { description: "The creator's legacy id." }),
    email: t.exposeString("email", { description: "The creator's email." }),
    feeBasisPoints: t.exposeInt("feeBps", { description: "The viewer's share of the creator's sales, in basis points." }),
    feePercentage: t.string({
      description: 'The same as a decimal percentage, e.g. "4.5".',
      resolve: (r) => feePercentage(r.feeBps),
    }),
    joinedAt: t.expose("joinedAt", { description: "When the creator registered.", type: "DateTime" }),
    revenue: t.field({
      type: MoneyType,
      description: "What the affiliate has earned from this creator so far.",
      resolve: async (r, _a, ctx) => {
        const wallet = (await ctx.loaders.walletByAccountId.load(ctx.viewer!.accountId))!;
        return money((await ctx.loaders.affiliateEarnings.load(`${wallet.id}:${r.accountId}`)).revenue, wallet.currencyId);
      },
    }),
    firstEarningAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the affiliate first earned from this creator (null: not yet).",
      resolve: async (r, _a, ctx) => {
        const wallet = (await ctx.loaders.walletByAccountId.load(ctx.viewer!.accountId))!;
        return (await ctx.loaders.affiliateEarnings.load(`${wallet.id}:${r.accountId}`)).firstEarningAt;
      },
    }),
    feeHistory: t.field({
      type: [FeeChangeType],
      description: "Every fee this creator's referral has had, oldest first (the last is the current one).",
      resolve: (r, _a, ctx) => ctx.loaders.feeHistory.load(r.referralId),
    }),
  }),
});

const InvitedConnection = builder.objectRef<InvitedPage>("InvitedConnection").implement({
  description: "The creators the viewer invited, keyset-paginated (Relay connection).",
  fields: (t) => ({
    nodes: t.field({ description: "The page's creators.", type: [InvitedCreator], resolve: (c) => c.edges.map((e) => e.node) }),
    edges: t.field({
      description: "The page, with a cursor per creator.",
      type: [
        builder.objectRef<InvitedPage["edges"][number]>("InvitedEdge").implement({
          description: "One invited creator and its cursor.",
          fields: (e) => ({
            cursor: e.exposeString("cursor", { description: "Opaque position of this creator." }),
            node: e.field({ type: InvitedCreator, description: "The invited creator.", resolve: (x) => x.node }),
          }),
        }),
      ],
      resolve: (c) => c.edges,
    }),
    pageInfo: t.field({ description: "Where this page sits.", type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.int({ description: "Every invited creator (one extra query).", resolve: (c) => c.totalCount() }),
  }),
});

const Affiliate = builder.objectRef<{ accountId: number }>("Affiliate").implement({
  description: "The viewer as an affiliate: invitations, invited creators and referral revenue.",
  fields: (t) => ({
    referralRevenue: t.field({
      type: MoneyType,
      description: "Lifetime affiliate earnings.",
      resolve: async (a, _args, ctx) => {
        const wallet = (await ctx.loaders.walletByAccountId.load(a.accountId))!;
        return money(wallet.referralRevenue, wallet.currencyId);
      },
    }),
    invitation: t.prismaField({
      type: InvitationType,
      nullable: true,
      description:
        "The invitation for this fee (default: the platform's default fee), or null until `createInvitation` made one. Never writes.",
      errors: typedErrors("Invitation", [ValidationError]),
      args: { feeBasisPoints: t.arg.int({ description: "0..1000 (10 % at most)." }) },
      resolve: async (query, a, args, ctx) => {
        const found = await findInvitation(ctx.prisma, a.accountId, args.feeBasisPoints);
        // Re-read with Pothos' selection so relation counts (registrations) come in the same query.
        return found ? ctx.prisma.affiliateInvitation.findUniqueOrThrow({ ...query, where: { id: found.id } }) : null;
      },
    }),
    invited: t.field({
      description: "The creators who registered with the viewer's invitations.",
      type: InvitedConnection,
      errors: typedErrors("Invited", [ValidationError, InvalidCursorError]),
      args: {
        first: t.arg.int({ defaultValue: 50, description: "Page size." }),
        after: t.arg.string({ description: "Continue after this cursor (from pageInfo.endCursor)." }),
      },
      resolve: (a, args, ctx) => invitedPage(ctx.prisma, a.accountId, args),
    }),
    transactions: t.field({
      type: LedgerConnectionType,
      description: "Affiliate earnings in the viewer's ledger.",
      errors: typedErrors("AffiliateTransactions", [ValidationError, InvalidCursorError]),
      args: {
        first: t.arg.int({ description: `Page size from the start, 1..${MAX_PAGE_SIZE}.` }),
        after: t.arg.string({ description: "Continue after this cursor (from pageInfo.endCursor)." }),
        last: t.arg.int({ description: `Page size from the end, 1..${MAX_PAGE_SIZE} (with before).` }),
        before: t.arg.string({ description: "Continue before this cursor (from pageInfo.startCursor)." }),
        order: t.arg({ type: LedgerOrderEnum, defaultValue: "DATE_DESC", description: "Newest or oldest first." }),
      },
      resolve: async (a, args, ctx) => {
        const wallet = await ctx.loaders.walletByAccountId.load(a.accountId);
        return ctx.loaders.walletTransactions.load({
          walletId: wallet!.id,
          args: { ...args, filter: { types: ["AFFILIATE_EARNING"] } },
        });
      },
    }),
  }),
});

builder.objectField(Viewer, "affiliate", (t) =>
  t.field({
    type: Affiliate,
    authScopes: { can: "affiliate.read" },
    description: "The viewer as an affiliate: invitations, invited creators, referral revenue.",
    resolve: (viewer) => ({ accountId: viewer.accountId }),
  }),
);

const CreateInvitationPayload = builder.objectRef<{ id: number }>("CreateInvitationPayload").implement({
  description: "CreateInvitation succeeded: the invitation for that fee.",
  fields: (t) => ({
    invitation: t.prismaField({
      description: "The invitation for the fee (created now or earlier).",
      type: InvitationType,
      resolve: (query, p, _a, ctx) => ctx.prisma.affiliateInvitation.findUniqueOrThrow({ ...query, where: { id: p.id } }),
    }),
  }),
});

builder.mutationField("createInvitation", (t) =>
  t.field({
    type: CreateInvitationPayload,
    authScopes: { can: "affiliate.invite" },
    description: "The viewer's invitation for this fee: created on first request, the same one after that.",
    errors: typedErrors("CreateInvitation", [ValidationError]),
    args: {
      input: t.arg({
        description: "The fee of the invitation (default: the platform's default fee).",
        required: true,
        type: builder.inputType("CreateInvitationInput", {
          description: "Which invitation to get or create.",
          fields: (f) => ({
            feeBasisPoints: f.int({ description: "0..1000 (10 % at most); default: the platform's default fee." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => ({
      id: (await invitationFor(ctx.prisma, ctx.viewer!.accountId, input.feeBasisPoints)).id,
    }),
  }),
);
