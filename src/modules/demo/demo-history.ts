import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { type EntryLine, lockWallet, postMovement } from "../ledger/ledger.service.ts";
import { releaseLines } from "../wallet/hold-release.service.ts";
import { cashoutLines, failedLines, paidLines } from "../wallet/payout.service.ts";
import { affiliateFee, affiliateLine, saleLine } from "../wallet/sale.service.ts";
import { DEMO_PRODUCTS, type DemoEvent, demoEvents } from "./demo-plan.ts";

const DAY = 86_400_000;
type Lot = { id: number; walletId: number; amount: bigint; releaseAt: Date };

/**
 * Writes the demo history with the same ledger lines the services write (backdated, which
 * the services themselves never do), so the data looks like a real account's.
 */
export async function createDemoHistory(prisma: PrismaClient, ids: Map<string, number>, now: Date, holdDays = 7): Promise<void> {
  const productIds: number[] = [];
  for (const [i, p] of DEMO_PRODUCTS.entries()) {
    const accountId = ids.get(p.owner)!;
    const product = await prisma.product.create({
      data: {
        accountId,
        title: p.title,
        price: p.price,
        mediaComplete: p.mediaComplete,
        linkClicks: p.views,
        thumbnailUrl: `https://cdn.example.com/thumbs/${i + 1}.jpg`,
      },
    });
    await prisma.shortLink.create({
      data: { accountId, productId: product.id, slug: `demo-${i + 1}-${product.id}`, views: p.views },
    });
    await prisma.dashboardRollup.update({
      where: { accountId },
      data: { contentItems: { increment: p.mediaComplete ? 1 : 0 }, linkClicks: { increment: p.views } },
    });
    productIds.push(product.id);
  }
  const lots: Lot[] = [];
  const releaseDue = async (until: Date) => {
    for (const lot of lots.filter((l) => l.releaseAt <= until).sort((a, b) => a.releaseAt.getTime() - b.releaseAt.getTime())) {
      await prisma.$transaction((tx) =>
        postMovement(tx, { walletId: lot.walletId, at: lot.releaseAt, lines: releaseLines(lot) }),
      );
      lots.splice(lots.indexOf(lot), 1);
    }
  };
  for (const event of demoEvents(now)) {
    await releaseDue(event.at);
    await prisma.$transaction((tx) => applyEvent(tx, event, { ids, productIds, lots, holdDays }));
  }
  await releaseDue(now);
}

async function applyEvent(
  tx: Prisma.TransactionClient,
  event: DemoEvent,
  ctx: { ids: Map<string, number>; productIds: number[]; lots: Lot[]; holdDays: number },
): Promise<void> {
  // Everything through tx: the embedded database has one connection, held by this transaction.
  const walletOf = (email: string) => tx.wallet.findUniqueOrThrow({ where: { accountId: ctx.ids.get(email)! } });
  if (event.kind === "sale") {
    const spec = DEMO_PRODUCTS[event.product]!;
    const wallet = await walletOf(spec.owner);
    const productId = ctx.productIds[event.product]!;
    const sale = await postMovement(tx, {
      walletId: wallet.id,
      at: event.at,
      lines: [saleLine(spec.price, `Unlock: ${spec.title}`, null, productId)],
    });
    const saleId = sale.entries[0]!.id;
    ctx.lots.push({
      id: saleId,
      walletId: wallet.id,
      amount: spec.price,
      releaseAt: new Date(event.at.getTime() + ctx.holdDays * DAY),
    });
    await tx.product.update({
      where: { id: productId },
      data: { unlockCount: { increment: 1 }, earnings: { increment: spec.price } },
    });
    await tx.dashboardRollup.update({
      where: { accountId: ctx.ids.get(spec.owner)! },
      data: { unlocks: { increment: 1 }, productRevenue: { increment: spec.price } },
    });
    const referral = await tx.referral.findUnique({
      where: { referredId: ctx.ids.get(spec.owner)! },
      include: { referrer: true },
    });
    if (referral) {
      const fee = affiliateFee(spec.price, referral.feeBps);
      const referrerWallet = await walletOf(referral.referrer.email);
      await postMovement(tx, {
        walletId: referrerWallet.id,
        at: event.at,
        referralRevenueDelta: fee,
        lines: [affiliateLine(fee, ctx.ids.get(spec.owner)!, null, saleId)],
      });
    }
    return;
  }
  const wallet = await walletOf(event.owner);
  if (event.kind === "deposit") {
    const line: EntryLine = {
      bucket: "AVAILABLE",
      amount: event.amount,
      type: "DEPOSIT",
      status: "AVAILABLE",
      title: "Deposit",
      description: "Manual deposit",
    };
    await postMovement(tx, { walletId: wallet.id, at: event.at, lines: [line] });
    return;
  }
  const { available } = (await lockWallet(tx, wallet.id)).balances;
  if (available <= 0n) return;
  const settledAt = event.settle ? new Date(event.at.getTime() + 2 * DAY) : null;
  const payout = await tx.payout.create({
    data: {
      walletId: wallet.id,
      currencyId: wallet.currencyId,
      amount: available,
      status: event.settle ?? "REQUESTED",
      requestedAt: event.at,
      settledAt,
      failureCode: event.settle === "FAILED" ? "account_closed" : null,
    },
  });
  await postMovement(tx, { walletId: wallet.id, at: event.at, lines: cashoutLines(available, payout.id) });
  if (event.settle === "PAID")
    await postMovement(tx, { walletId: wallet.id, at: settledAt!, lines: paidLines(available, payout.id) });
  if (event.settle === "FAILED") {
    await postMovement(tx, { walletId: wallet.id, at: settledAt!, lines: failedLines(available, payout.id, "account_closed") });
  }
}
