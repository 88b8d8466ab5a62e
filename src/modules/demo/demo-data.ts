import type { Database } from "../../db/database.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { createAccount } from "../accounts/account.service.ts";
import { issueToken } from "../accounts/token.service.ts";
import { createDemoHistory } from "./demo-history.ts";
import { DEMO_ACCOUNTS, type DemoAccount } from "./demo-plan.ts";

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
export async function loadDemoData(
  db: Database,
  options: { now?: Date; onProgress?: (message: string) => void } = {},
): Promise<{ created: boolean; tokens: DemoToken[] }> {
  const { prisma } = db;
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => {});
  const existing = await prisma.account.findMany({ where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } } });
  const created = existing.length === 0;
  const ids = new Map<string, number>(existing.map((a) => [a.email, a.id]));
  if (created) {
    for (const [i, spec] of DEMO_ACCOUNTS.entries()) {
      progress(`demo: account ${i + 1}/${DEMO_ACCOUNTS.length} ${spec.email}`);
      ids.set(spec.email, await createDemoAccount(prisma, spec, ids));
    }
    progress("demo: writing products, links and ledger history...");
    await createHistory(db, ids, now);
  }
  progress(`demo: issuing ${DEMO_ACCOUNTS.length} tokens`);
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

async function createHistory(db: Database, ids: Map<string, number>, now: Date): Promise<void> {
  const { prisma } = db;
  const maya = ids.get("maya@demo.example")!;
  const jon = ids.get("jon@demo.example")!;
  const invitation = await prisma.affiliateInvitation.create({ data: { code: "MAYA5X", inviterId: maya, feeBps: 500 } });
  await prisma.referral.create({ data: { referrerId: maya, referredId: jon, invitationId: invitation.id, feeBps: 500 } });
  await createDemoHistory(db, ids, now);
}
