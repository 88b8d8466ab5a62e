import type { PrismaClient } from "../../generated/prisma/client.ts";
import { createAccount } from "../accounts/account.service.ts";
import { issueToken } from "../accounts/token.service.ts";
import { type EntryLine, lockWallet, postMovement } from "../ledger/ledger.service.ts";
import { DEMO_ACCOUNTS, type DemoAccount, demoHistory } from "./demo-plan.ts";

export type DemoToken = { accountId: number; email: string; displayName: string; currency: string; note: string; token: string };

/** Demo data lives only in an otherwise empty database (first start on PGlite). */
export async function databaseIsEmpty(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.account.count()) === 0;
}

/**
 * Loads a small, realistic data set: creators in three currencies, an agency with
 * children, an affiliate pair, products, short links, ledger history and a service
 * account. Returns a fresh token per account. When it is already loaded, it only issues
 * fresh tokens for the demo accounts.
 */
export async function loadDemoData(prisma: PrismaClient, now = new Date()): Promise<{ created: boolean; tokens: DemoToken[] }> {
  const existing = await prisma.account.findMany({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } });
  const created = existing.length === 0;
  const ids = new Map<string, number>(existing.map((a) => [a.email, a.id]));
  if (created) {
    for (const spec of DEMO_ACCOUNTS) ids.set(spec.email, await createDemoAccount(prisma, spec, ids));
    await createHistory(prisma, ids, now);
  }
  const tokens: DemoToken[] = [];
  for (const spec of DEMO_ACCOUNTS) {
    const accountId = ids.get(spec.email);
    if (accountId === undefined) continue;
    const { token } = await issueToken(prisma, { accountId, name: "demo" });
    tokens.push({ accountId, email: spec.email, displayName: spec.displayName, currency: spec.currency, note: spec.note, token });
  }
  return { created, tokens };
}

async function createDemoAccount(prisma: PrismaClient, spec: DemoAccount, ids: Map<string, number>): Promise<number> {
  const masterId = spec.masterEmail ? ids.get(spec.masterEmail) : undefined;
  const account = await createAccount(prisma, {
    email: spec.email,
    displayName: spec.displayName,
    currency: spec.currency,
    role: spec.role ?? "CREATOR",
    logoUrl: `https://cdn.example.com/logos/${spec.email.split("@")[0]}.png`,
    ...(masterId ? { masterId } : {}),
  });
  return account.id;
}

async function createHistory(prisma: PrismaClient, ids: Map<string, number>, now: Date): Promise<void> {
  const plan = demoHistory(now);
  const idOf = (email: string) => ids.get(email) as number;
  const maya = idOf("maya@demo.example");
  const jon = idOf("jon@demo.example");
  const invitation = await prisma.affiliateInvitation.create({ data: { code: "MAYA5X", inviterId: maya, feeBps: 500 } });
  await prisma.referral.create({ data: { referrerId: maya, referredId: jon, invitationId: invitation.id, feeBps: 500 } });

  for (const p of plan.products) {
    const accountId = idOf(p.owner);
    const product = await prisma.product.create({
      data: { accountId, title: p.title, price: p.price, mediaComplete: p.mediaComplete, thumbnailUrl: p.thumbnailUrl },
    });
    await prisma.shortLink.create({ data: { accountId, productId: product.id, slug: p.slug, views: p.views } });
    await prisma.dashboardRollup.update({
      where: { accountId },
      data: { contentItems: { increment: p.mediaComplete ? 1 : 0 }, linkClicks: { increment: p.views } },
    });
    p.id = product.id;
  }

  for (const step of plan.steps) {
    const wallet = await prisma.wallet.findUniqueOrThrow({ where: { accountId: idOf(step.owner) } });
    await prisma.$transaction(async (tx) => {
      let payoutId: number | null = null;
      let lines: EntryLine[] = step.lines;
      if (step.cashout) {
        const { available } = await lockWallet(tx, wallet.id);
        if (available <= 0n) return;
        const settled = step.cashout !== "REQUESTED";
        const payout = await tx.payout.create({
          data: {
            walletId: wallet.id,
            currencyId: wallet.currencyId,
            amount: available,
            status: step.cashout,
            requestedAt: step.at,
            settledAt: settled ? step.at : null,
          },
        });
        payoutId = payout.id;
        lines = cashoutLines(available, step.cashout === "PAID");
      }
      const product = step.product ? plan.products.find((p) => p.title === step.product) : undefined;
      await postMovement(tx, {
        walletId: wallet.id,
        at: step.at,
        referralRevenueDelta: step.referralRevenue ?? 0n,
        lines: lines.map((l) => ({
          ...l,
          payoutId,
          productId: product?.id ?? null,
          counterpartyId: step.counterparty ? idOf(step.counterparty) : null,
        })),
      });
      if (product?.id) {
        const amount = step.lines[0]?.amount ?? 0n;
        await tx.product.update({
          where: { id: product.id },
          data: { unlockCount: { increment: 1 }, earnings: { increment: amount } },
        });
        await tx.dashboardRollup.update({
          where: { accountId: idOf(step.owner) },
          data: { unlocks: { increment: 1 }, productRevenue: { increment: amount } },
        });
      }
    });
  }
}

function cashoutLines(amount: bigint, paid: boolean): EntryLine[] {
  const lines: EntryLine[] = [
    { bucket: "AVAILABLE", amount: -amount, type: "CASHOUT", status: "PENDING", title: "Cashout requested" },
    { bucket: "PENDING", amount, type: "CASHOUT", status: "PENDING", title: "Cashout requested" },
  ];
  if (paid) lines.push({ bucket: "PENDING", amount: -amount, type: "RELEASE_PENDING", status: "PAID", title: "Payout paid" });
  return lines;
}
