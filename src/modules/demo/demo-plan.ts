import type { Bucket, LedgerStatus, LedgerType, PayoutStatus } from "../../generated/prisma/enums.ts";

export type DemoAccount = {
  email: string;
  displayName: string;
  currency: string;
  role?: "CREATOR" | "SERVICE";
  masterEmail?: string;
  note: string;
};

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { email: "maya@demo.example", displayName: "Maya Lopez", currency: "USD", note: "creator, affiliate of Jon" },
  { email: "jon@demo.example", displayName: "Jon Park", currency: "USD", note: "creator referred by Maya (5%)" },
  { email: "agency@demo.example", displayName: "Northstar Talent", currency: "USD", note: "agency master of Ava and Leo" },
  {
    email: "ava@demo.example",
    displayName: "Ava Chen",
    currency: "USD",
    masterEmail: "agency@demo.example",
    note: "child of Northstar",
  },
  {
    email: "leo@demo.example",
    displayName: "Leo Martin",
    currency: "EUR",
    masterEmail: "agency@demo.example",
    note: "child of Northstar (EUR)",
  },
  { email: "isla@demo.example", displayName: "Isla Brown", currency: "GBP", note: "standalone creator (GBP)" },
  {
    email: "sales-service@demo.example",
    displayName: "Platform sales service",
    currency: "USD",
    role: "SERVICE",
    note: "service token: records sales, settles payouts",
  },
];

type Line = { bucket: Bucket; amount: bigint; type: LedgerType; status: LedgerStatus; title: string };
export type DemoStep = {
  owner: string;
  at: Date;
  lines: Line[];
  product?: string;
  counterparty?: string;
  referralRevenue?: bigint;
  /** A cashout of everything available at that moment (lines are built when it runs). */
  cashout?: PayoutStatus;
};
export type DemoProduct = {
  owner: string;
  title: string;
  price: bigint;
  mediaComplete: boolean;
  thumbnailUrl: string;
  slug: string;
  views: bigint;
  id?: number;
};

const DAY = 86_400_000;
const HOLD_DAYS = 7;

const PRODUCTS: Omit<DemoProduct, "thumbnailUrl" | "slug">[] = [
  { owner: "maya@demo.example", title: "Sunset photo set", price: 1500n, mediaComplete: true, views: 420n },
  { owner: "maya@demo.example", title: "Studio tutorial", price: 2900n, mediaComplete: true, views: 180n },
  { owner: "maya@demo.example", title: "Behind the scenes (draft)", price: 900n, mediaComplete: false, views: 12n },
  { owner: "jon@demo.example", title: "Guitar lesson #1", price: 1200n, mediaComplete: true, views: 300n },
  { owner: "jon@demo.example", title: "Guitar lesson #2", price: 1200n, mediaComplete: true, views: 95n },
  { owner: "ava@demo.example", title: "Workout plan", price: 2500n, mediaComplete: true, views: 510n },
  { owner: "leo@demo.example", title: "Paris street photos", price: 1800n, mediaComplete: true, views: 260n },
  { owner: "isla@demo.example", title: "Knitting pattern", price: 700n, mediaComplete: true, views: 140n },
];

/** A deterministic history relative to `now`: sales, hold releases, referral fees, payouts. */
export function demoHistory(now: Date): { products: DemoProduct[]; steps: DemoStep[] } {
  const products = PRODUCTS.map((p, i) => ({
    ...p,
    thumbnailUrl: `https://cdn.example.com/thumbs/${i + 1}.jpg`,
    slug: `demo-${i + 1}`,
  }));
  const steps: DemoStep[] = [];
  const ago = (days: number, minutes = 0) => new Date(now.getTime() - days * DAY + minutes * 60_000);
  products.forEach((p, i) => {
    const unlocks = 3 + (i % 4);
    for (let n = 0; n < unlocks; n++) {
      const days = 2 + ((n * 9 + i * 5) % 38);
      const at = ago(days, i * 7 + n);
      steps.push({
        owner: p.owner,
        at,
        product: p.title,
        lines: [{ bucket: "HOLD", amount: p.price, type: "SALE", status: "PENDING", title: `Unlock: ${p.title}` }],
      });
      if (p.owner === "jon@demo.example") {
        const fee = (p.price * 500n) / 10_000n;
        steps.push({
          owner: "maya@demo.example",
          at,
          counterparty: "jon@demo.example",
          referralRevenue: fee,
          lines: [
            { bucket: "AVAILABLE", amount: fee, type: "AFFILIATE_EARNING", status: "AVAILABLE", title: "Referral revenue" },
          ],
        });
      }
      if (days > HOLD_DAYS) {
        steps.push({
          owner: p.owner,
          at: new Date(at.getTime() + HOLD_DAYS * DAY),
          lines: [
            { bucket: "HOLD", amount: -p.price, type: "HOLD_RELEASE", status: "AVAILABLE", title: "Hold released" },
            { bucket: "AVAILABLE", amount: p.price, type: "HOLD_RELEASE", status: "AVAILABLE", title: "Hold released" },
          ],
        });
      }
    }
  });
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  // A settled cashout for Maya and an open one for Ava.
  steps.push({ owner: "maya@demo.example", at: ago(1), lines: [], cashout: "PAID" });
  steps.push({ owner: "ava@demo.example", at: ago(0, -60), lines: [], cashout: "REQUESTED" });
  steps.push({
    owner: "agency@demo.example",
    at: ago(0, -30),
    lines: [{ bucket: "AVAILABLE", amount: 10_000n, type: "DEPOSIT", status: "AVAILABLE", title: "Manual deposit" }],
  });
  return { products, steps };
}
