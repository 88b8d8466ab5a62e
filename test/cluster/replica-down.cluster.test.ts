import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { standby } from "../../scripts/cluster.ts";
import { createCreator } from "../helpers/factories.ts";
import { ADDRESSES, deposit, graphql, metric, openPrimary } from "./helpers.ts";

const [A, B] = ADDRESSES.gateways as [string, string];
const WALLET = "{ viewer { wallet { available { amount } } } }";
type Wallet = { viewer: { wallet: { available: { amount: number } } } };
type Ready = { ready: boolean; replicas: { location: string; lagMs: number | null; usable: boolean }[] };
const readyz = async (base: string) => (await (await fetch(`${base}/readyz`)).json()) as Ready;
const usable = (base: string) => metric(base, /^wallet_db_replica_usable\{/);

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a read replica that goes away and comes back", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openPrimary();
  });
  afterAll(() => db.close());

  it("reads fall back to the primary while the standby is down (every answer 200 and current), /readyz and /metrics say so, and reads return to it when it is back", async () => {
    const service = await createCreator(db, { service: true });
    const creator = await createCreator(db);
    expect((await readyz(B)).replicas).toEqual([{ location: ADDRESSES.standby, lagMs: expect.any(Number), usable: true }]);
    standby("stop");
    try {
      await until(async () => (await usable(B)) === 0);
      const state = await readyz(B);
      expect(state.ready).toBe(true);
      expect(state.replicas[0]).toMatchObject({ usable: false, lagMs: null });
      const before = await metric(B, /^wallet_db_reads_total\{target="primary"\}/);
      for (let i = 1; i <= 20; i++) {
        expect((await deposit(A, service.token, creator.id, 5)).status).toBe(200);
        const read = await graphql<Wallet>(B, creator.token, WALLET);
        expect(read.status).toBe(200);
        expect(read.body.data!.viewer.wallet.available.amount).toBe(5 * i);
      }
      expect((await metric(B, /^wallet_db_reads_total\{target="primary"\}/)) - before).toBeGreaterThanOrEqual(20);
    } finally {
      standby("start");
    }
    await until(async () => (await usable(B)) === 1);
    const replicaBefore = await metric(B, /^wallet_db_reads_total\{target="replica"\}/);
    const bystander = await createCreator(db);
    await until(async () => (await graphql<Wallet>(B, bystander.token, WALLET)).status === 200);
    expect((await metric(B, /^wallet_db_reads_total\{target="replica"\}/)) - replicaBefore).toBeGreaterThan(0);
  });
});
