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

export type DemoProduct = { owner: string; title: string; price: bigint; mediaComplete: boolean; views: bigint };

export const DEMO_PRODUCTS: DemoProduct[] = [
  { owner: "maya@demo.example", title: "Sunset photo set", price: 1500n, mediaComplete: true, views: 420n },
  { owner: "maya@demo.example", title: "Studio tutorial", price: 2900n, mediaComplete: true, views: 180n },
  { owner: "maya@demo.example", title: "Behind the scenes (draft)", price: 900n, mediaComplete: false, views: 12n },
  { owner: "jon@demo.example", title: "Guitar lesson #1", price: 1200n, mediaComplete: true, views: 300n },
  { owner: "jon@demo.example", title: "Guitar lesson #2", price: 1200n, mediaComplete: true, views: 95n },
  { owner: "ava@demo.example", title: "Workout plan", price: 2500n, mediaComplete: true, views: 510n },
  { owner: "leo@demo.example", title: "Paris street photos", price: 1800n, mediaComplete: true, views: 260n },
  { owner: "isla@demo.example", title: "Knitting pattern", price: 700n, mediaComplete: true, views: 140n },
];

export type DemoEvent =
  | { kind: "sale"; at: Date; product: number }
  | { kind: "cashout"; at: Date; owner: string; settle: "PAID" | "FAILED" | null }
  | { kind: "deposit"; at: Date; owner: string; amount: bigint };

const DAY = 86_400_000;

/** A deterministic 40-day history relative to `now` (hold releases are derived from it). */
export function demoEvents(now: Date): DemoEvent[] {
  const ago = (days: number, minutes = 0) => new Date(now.getTime() - days * DAY + minutes * 60_000);
  const events: DemoEvent[] = [];
  DEMO_PRODUCTS.forEach((_p, i) => {
    const unlocks = 3 + (i % 4);
    for (let n = 0; n < unlocks; n++) events.push({ kind: "sale", at: ago(2 + ((n * 9 + i * 5) % 38), i * 7 + n), product: i });
  });
  events.push({ kind: "cashout", at: ago(20), owner: "jon@demo.example", settle: "FAILED" });
  events.push({ kind: "cashout", at: ago(10), owner: "maya@demo.example", settle: "PAID" });
  events.push({ kind: "cashout", at: ago(0, -60), owner: "ava@demo.example", settle: null });
  events.push({ kind: "deposit", at: ago(0, -30), owner: "agency@demo.example", amount: 10_000n });
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}
