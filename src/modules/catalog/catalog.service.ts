import { z } from "zod";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { unlessTaken } from "../../db/unique-violation.ts";
import { parseInput } from "../accounts/account.service.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { idempotent } from "../wallet/idempotency.service.ts";

/**
 * Products and short links. Every write keeps the counters the dashboard reads (products'
 * unlock/click/earnings counters and the per-account rollup) in the same transaction.
 */
const ProductFields = {
  title: z.string().trim().min(1).max(200),
  thumbnailUrl: z.url().max(2000).nullable(),
  mediaComplete: z.boolean(),
  price: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
};
const CreateProductInput = z.object({
  accountId: z.number().int().positive(),
  externalId: z.string().trim().min(1).max(200),
  title: ProductFields.title,
  thumbnailUrl: ProductFields.thumbnailUrl.optional(),
  mediaComplete: ProductFields.mediaComplete.default(false),
  price: ProductFields.price.default(0),
});
export type CreateProductInput = z.input<typeof CreateProductInput>;

export async function createProduct(
  prisma: PrismaClient,
  callerId: number,
  raw: CreateProductInput,
): Promise<{ productId: number }> {
  const input = parseInput(CreateProductInput, raw);
  return idempotent(
    prisma,
    { accountId: callerId, operation: "createProduct", key: `${input.accountId}:${input.externalId}`, input },
    async (tx) => {
      await creatorAccount(tx, input.accountId);
      const product = await tx.product
        .create({
          data: {
            accountId: input.accountId,
            externalId: input.externalId,
            title: input.title,
            thumbnailUrl: input.thumbnailUrl ?? null,
            mediaComplete: input.mediaComplete,
            price: BigInt(input.price),
          },
        })
        // Another caller's product (its own idempotency scope) for this creator may carry this id.
        .catch(
          unlessTaken("products", ["account_id", "external_id"], () =>
            ValidationError.field("externalId", "is already used by another product of this creator"),
          ),
        );
      if (input.mediaComplete) await bumpRollup(tx, input.accountId, { contentItems: 1n });
      return { productId: product.id };
    },
  );
}

const UpdateProductInput = z.object({
  productId: z.number().int().positive(),
  title: ProductFields.title.optional(),
  thumbnailUrl: ProductFields.thumbnailUrl.optional(),
  mediaComplete: ProductFields.mediaComplete.optional(),
  price: ProductFields.price.optional(),
});
export type UpdateProductInput = z.input<typeof UpdateProductInput>;

export async function updateProduct(prisma: PrismaClient, raw: UpdateProductInput): Promise<{ productId: number }> {
  const input = parseInput(UpdateProductInput, raw);
  return prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ media_complete: boolean; account_id: number }[]>`
      SELECT media_complete, account_id FROM products WHERE id = ${input.productId} FOR UPDATE`;
    const before = locked[0];
    if (!before) throw new NotFoundError(`Product ${input.productId} does not exist`);
    await tx.product.update({
      where: { id: input.productId },
      data: {
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.thumbnailUrl !== undefined ? { thumbnailUrl: input.thumbnailUrl } : {}),
        ...(input.mediaComplete !== undefined ? { mediaComplete: input.mediaComplete } : {}),
        ...(input.price !== undefined ? { price: BigInt(input.price) } : {}),
      },
    });
    if (input.mediaComplete !== undefined && input.mediaComplete !== before.media_complete) {
      await bumpRollup(tx, before.account_id, { contentItems: input.mediaComplete ? 1n : -1n });
    }
    return { productId: input.productId };
  });
}

const ShortLinkInput = z.object({
  accountId: z.number().int().positive(),
  productId: z.number().int().positive().optional(),
  slug: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, - or _"),
});
export type ShortLinkInput = z.input<typeof ShortLinkInput>;

export async function createShortLink(prisma: PrismaClient, raw: ShortLinkInput): Promise<{ shortLinkId: number }> {
  const input = parseInput(ShortLinkInput, raw);
  return prisma.$transaction(async (tx) => {
    await creatorAccount(tx, input.accountId);
    if (input.productId) {
      const product = await tx.product.findUnique({ where: { id: input.productId }, select: { accountId: true } });
      if (product?.accountId !== input.accountId)
        throw new NotFoundError(`Product ${input.productId} does not belong to account ${input.accountId}`);
    }
    const taken = () => ValidationError.field("slug", "is already taken");
    if (await tx.shortLink.findUnique({ where: { slug: input.slug }, select: { id: true } })) throw taken();
    const link = await tx.shortLink
      .create({ data: { accountId: input.accountId, productId: input.productId ?? null, slug: input.slug } })
      .catch(unlessTaken("short_links", ["slug"], taken)); // committed by another request since the check
    return { shortLinkId: link.id };
  });
}

const LinkViewInput = z.object({ slug: z.string().trim().min(1).max(64), eventId: z.string().trim().min(1).max(200) });
export type LinkViewInput = z.input<typeof LinkViewInput>;

/** One view of a short link: link, product and account counters move together, once per event id. */
export async function recordLinkView(
  prisma: PrismaClient,
  callerId: number,
  raw: LinkViewInput,
): Promise<{ shortLinkId: number }> {
  const input = parseInput(LinkViewInput, raw);
  return idempotent(prisma, { accountId: callerId, operation: "recordLinkView", key: input.eventId, input }, async (tx) => {
    const link = await tx.shortLink.findUnique({ where: { slug: input.slug } });
    if (!link) throw new NotFoundError(`Short link ${input.slug} does not exist`);
    await tx.shortLink.update({ where: { id: link.id }, data: { views: { increment: 1 } } });
    if (link.productId) await tx.product.update({ where: { id: link.productId }, data: { linkClicks: { increment: 1 } } });
    await bumpRollup(tx, link.accountId, { linkClicks: 1n });
    return { shortLinkId: link.id };
  });
}

async function creatorAccount(tx: Prisma.TransactionClient, accountId: number) {
  const account = await tx.account.findUnique({ where: { id: accountId }, select: { role: true } });
  if (!account || account.role !== "CREATOR") throw new NotFoundError(`Creator account ${accountId} does not exist`);
}

async function bumpRollup(
  tx: Prisma.TransactionClient,
  accountId: number,
  delta: { contentItems?: bigint; linkClicks?: bigint },
) {
  await tx.dashboardRollup.upsert({
    where: { accountId },
    create: { accountId, contentItems: delta.contentItems ?? 0n, linkClicks: delta.linkClicks ?? 0n },
    update: {
      ...(delta.contentItems ? { contentItems: { increment: delta.contentItems } } : {}),
      ...(delta.linkClicks ? { linkClicks: { increment: delta.linkClicks } } : {}),
      updatedAt: new Date(),
    },
  });
}
