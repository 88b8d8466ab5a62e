import type { Database } from "../../db/database.ts";
import { NoAvailableFundsError } from "../errors.ts";
import { type Movement, move } from "../wallet/movement.ts";
import { DEMO_PRODUCTS, type DemoEvent, demoEvents } from "./demo-plan.ts";

const DAY = 86_400_000;
type Lot = { id: number; walletId: number; releaseAt: Date };

/**
 * Writes the demo history through the same movements the services run (wallet_move),
 * backdated (`at`, which the services themselves never send), so the data looks like a real
 * account's.
 */
export async function createDemoHistory(db: Database, ids: Map<string, number>, now: Date, holdDays = 7): Promise<void> {
  const { prisma } = db;
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
  const wallets = new Map(
    (await prisma.wallet.findMany({ where: { accountId: { in: [...ids.values()] } } })).map((w) => [w.accountId, w.id]),
  );
  const demoMove = <T>(kind: Movement["kind"], args: Record<string, unknown>) =>
    move<T>(db, { kind, args, caller: 0, operation: "demo", key: null, input: null, walletId: null }).then((m) => m.result);
  const lots: Lot[] = [];
  const releaseDue = async (until: Date) => {
    for (const lot of lots.filter((l) => l.releaseAt <= until).sort((a, b) => a.releaseAt.getTime() - b.releaseAt.getTime())) {
      await demoMove("release", { walletId: lot.walletId, lots: [lot.id], at: lot.releaseAt });
      lots.splice(lots.indexOf(lot), 1);
    }
  };
  for (const event of demoEvents(now)) {
    await releaseDue(event.at);
    await applyEvent(event);
  }
  await releaseDue(now);

  async function applyEvent(event: DemoEvent): Promise<void> {
    if (event.kind === "sale") {
      const accountId = ids.get(DEMO_PRODUCTS[event.product]!.owner)!;
      const { saleEntryId } = await demoMove<{ saleEntryId: number }>("sale", {
        accountId,
        amount: String(DEMO_PRODUCTS[event.product]!.price),
        productId: productIds[event.product],
        at: event.at,
      });
      lots.push({ id: saleEntryId, walletId: wallets.get(accountId)!, releaseAt: new Date(event.at.getTime() + holdDays * DAY) });
      return;
    }
    const accountId = ids.get(event.owner)!;
    if (event.kind === "deposit") {
      await demoMove("adjust", {
        kind: "DEPOSIT",
        accountId,
        amount: String(event.amount),
        description: "Manual deposit",
        at: event.at,
      });
      return;
    }
    let payoutId: number;
    try {
      ({ payoutId } = await demoMove<{ payoutId: number }>("cashout", { accountId, at: event.at }));
    } catch (err) {
      if (err instanceof NoAvailableFundsError) return;
      throw err;
    }
    if (!event.settle) return;
    const at = new Date(event.at.getTime() + 2 * DAY);
    await demoMove("settle", { payoutId, status: event.settle, failureCode: "account_closed", at });
  }
}
