import { resultUnion, payloadOf } from "../../graphql/results.ts";
import { NodeInterface, nodeIdFields } from "../node/node.graphql.ts";
import { builder } from "../../graphql/builder.ts";
import { safeMinorUnits } from "../../graphql/money.ts";
import { money, MoneyType } from "../money/money.graphql.ts";
import { ForbiddenError, IdempotencyConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { createProduct, createShortLink, recordLinkView, updateProduct } from "./catalog.service.ts";

export const ProductType = builder.prismaObject("Product", {
  description: "A creator's product that fans unlock; counters are kept on write.",
  interfaces: [NodeInterface],
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("Product")),
    title: t.exposeString("title", { description: "Its title." }),
    thumbnailUrl: t.exposeString("thumbnailUrl", { description: "Its thumbnail image.", nullable: true }),
    mediaComplete: t.exposeBoolean("mediaComplete", { description: "Whether all its media is uploaded." }),
    price: t.field({
      type: MoneyType,
      description: "What a fan pays to unlock it.",
      resolve: async (p, _a, ctx) => money(p.price, (await ctx.loaders.accountById.load(p.accountId))!.currencyId),
    }),
    unlocks: t.field({
      description: "How many fans unlocked it.",
      type: "SafeInt",
      resolve: (p) => safeMinorUnits(p.unlockCount),
    }),
    linkClicks: t.field({
      description: "Views of short links to it.",
      type: "SafeInt",
      resolve: (p) => safeMinorUnits(p.linkClicks),
    }),
    earnings: t.field({
      type: MoneyType,
      description: "What its unlocks earned so far.",
      resolve: async (p, _a, ctx) => money(p.earnings, (await ctx.loaders.accountById.load(p.accountId))!.currencyId),
    }),
  }),
});

/** The mutation pattern: `<Name>Result = <Name>Payload { <dataField> } | typed errors`. */
const errors = (name: string, dataField: string) => ({
  types: [ValidationError, ForbiddenError, NotFoundError, IdempotencyConflictError],
  union: resultUnion(name),
  ...payloadOf(name, dataField),
});
const product = (productId: number, ctx: { prisma: import("../../generated/prisma/client.ts").PrismaClient }) =>
  ctx.prisma.product.findUniqueOrThrow({ where: { id: productId } });

builder.mutationField("createProduct", (t) =>
  t.field({
    authScopes: { can: "catalog.manage" },
    type: ProductType,
    description: "Service: create a creator's product, idempotent by (accountId, externalId).",
    errors: errors("CreateProduct", "product"),
    args: {
      input: t.arg({
        description: "The creator's new product.",
        required: true,
        type: builder.inputType("CreateProductInput", {
          description: "A creator's new product.",
          fields: (f) => ({
            accountId: f.int({ description: "The creator (legacy id).", required: true }),
            externalId: f.string({ description: "The caller's id of the product: the idempotency key.", required: true }),
            title: f.string({ description: "Its title.", required: true }),
            thumbnailUrl: f.string({ description: "Its thumbnail image." }),
            mediaComplete: f.boolean({ description: "Whether all its media is uploaded (counts as content)." }),
            price: f.field({ type: "SafeInt", description: "Minor units." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer!;
      const { productId } = await createProduct(ctx.prisma, viewer.accountId, {
        accountId: input.accountId,
        externalId: input.externalId,
        title: input.title,
        ...(input.thumbnailUrl != null ? { thumbnailUrl: input.thumbnailUrl } : {}),
        ...(input.mediaComplete != null ? { mediaComplete: input.mediaComplete } : {}),
        ...(input.price != null ? { price: input.price } : {}),
      });
      return product(productId, ctx);
    },
  }),
);

builder.mutationField("updateProduct", (t) =>
  t.field({
    authScopes: { can: "catalog.manage" },
    type: ProductType,
    description: "Service: change a product (a media-complete change moves the content-items counter).",
    errors: errors("UpdateProduct", "product"),
    args: {
      input: t.arg({
        description: "The product and what changes.",
        required: true,
        type: builder.inputType("UpdateProductInput", {
          description: "Changes to a product (omitted fields stay as they are).",
          fields: (f) => ({
            productId: f.int({ description: "The product (legacy id).", required: true }),
            title: f.string({ description: "The new title." }),
            thumbnailUrl: f.string({ description: "The new thumbnail." }),
            mediaComplete: f.boolean({ description: "Whether all its media is uploaded." }),
            price: f.field({ description: "The new unlock price, in minor units.", type: "SafeInt" }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input }, ctx) => {
      await updateProduct(ctx.prisma, {
        productId: input.productId,
        ...(input.title != null ? { title: input.title } : {}),
        ...(input.thumbnailUrl !== undefined ? { thumbnailUrl: input.thumbnailUrl } : {}),
        ...(input.mediaComplete != null ? { mediaComplete: input.mediaComplete } : {}),
        ...(input.price != null ? { price: input.price } : {}),
      });
      return product(input.productId, ctx);
    },
  }),
);

const ShortLinkType = builder.prismaObject("ShortLink", {
  description: "A creator's short link, optionally to one of its products; counts its views.",
  interfaces: [NodeInterface],
  fields: (t) => ({
    ...((f) => ({ id: t.id(f.id), legacyId: t.int(f.legacyId) }))(nodeIdFields("ShortLink")),
    slug: t.exposeString("slug", { description: "Its unique path segment." }),
    views: t.field({ description: "How many times it was viewed.", type: "SafeInt", resolve: (l) => safeMinorUnits(l.views) }),
    product: t.relation("product", { description: "The product it points to, if any.", nullable: true }),
  }),
});

builder.mutationField("createShortLink", (t) =>
  t.field({
    authScopes: { can: "catalog.manage" },
    type: ShortLinkType,
    description: "Service: a short link of a creator, optionally to one of its products.",
    errors: errors("CreateShortLink", "shortLink"),
    args: {
      input: t.arg({
        description: "The short link to create.",
        required: true,
        type: builder.inputType("CreateShortLinkInput", {
          description: "A creator's short link.",
          fields: (f) => ({
            accountId: f.int({ required: true, description: "The creator the link belongs to (legacy id)." }),
            slug: f.string({ required: true, description: "The path segment of the link; unique." }),
            productId: f.int({ description: "One of the creator's products the link points to (legacy id)." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input: args }, ctx) => {
      const { shortLinkId } = await createShortLink(ctx.prisma, {
        accountId: args.accountId,
        slug: args.slug,
        ...(args.productId != null ? { productId: args.productId } : {}),
      });
      return ctx.prisma.shortLink.findUniqueOrThrow({ where: { id: shortLinkId } });
    },
  }),
);

builder.mutationField("recordLinkView", (t) =>
  t.field({
    authScopes: { can: "catalog.manage" },
    type: ShortLinkType,
    description: "Service: one view of a short link, counted once per eventId.",
    errors: errors("RecordLinkView", "shortLink"),
    args: {
      input: t.arg({
        description: "The link viewed and the caller's id of the view.",
        required: true,
        type: builder.inputType("RecordLinkViewInput", {
          description: "One view of a short link.",
          fields: (f) => ({
            slug: f.string({ required: true, description: "The link's slug." }),
            eventId: f.string({ required: true, description: "The caller's id of the view: counted once." }),
          }),
        }),
      }),
    },
    resolve: async (_root, { input: args }, ctx) => {
      const viewer = ctx.viewer!;
      const { shortLinkId } = await recordLinkView(ctx.prisma, viewer.accountId, args);
      return ctx.prisma.shortLink.findUniqueOrThrow({ where: { id: shortLinkId } });
    },
  }),
);
