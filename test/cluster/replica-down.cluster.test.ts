import { describe, expect, it } from "vitest";
import { postmasterPid, standby } from "../../scripts/cluster.ts";
import { createCreator } from "../helpers/factories.ts";
import { ADDRESSES, deposit, graphql, metric, primaryForFile, until } from "./helpers.ts";

const [A, B] = ADDRESSES.gateways as [string, string];
const WALLET = "{ viewer { wallet { available { amount } } } }";
type Wallet = { viewer: { wallet: { available: { amount: number } } } };
type Ready = { ready: boolean; replicas: { location: string; lagMs: number | null; usable: boolean }[] };
const readyz = async (base: string) => (await (await fetch(`${base}/readyz`)).json()) as Ready;
const usable = (base: string) => metric(base, /^wallet_db_replica_usable\{/);

const db = primaryForFile();

describe("a read replica that goes away and comes back", () => {
  it("reads fall back to the primary while the standby is down (every answer 200 and current, those already sent to it too), /readyz and /metrics say so, and reads return to it when it is back", async () => {
    const service = await createCreator(db(), { service: true });
    const creator = await createCreator(db());
    expect((await readyz(B)).replicas).toEqual([{ location: ADDRESSES.standby, lagMs: expect.any(Number), usable: true }]);
    // Readers that do not stop while the standby goes away: the reads that were sent to it
    // before B noticed (B polls every 100 ms) are answered from the primary, not failed.
    const bystander = await createCreator(db());
    const statuses = new Map<number, number>();
    let reading = true;
    const readers = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (reading) {
          const { status } = await graphql<Wallet>(B, bystander.token, WALLET);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    // An immediate shutdown (SIGQUIT), sent without blocking this process: the readers keep reading through it.
    process.kill(postmasterPid("standby"), "SIGQUIT");
    try {
      await until(
        () => usable(B),
        (n) => n === 0,
        "B skips the stopped standby",
      );
      await new Promise((r) => setTimeout(r, 300));
      reading = false;
      await readers;
      expect([...statuses.keys()]).toEqual([200]);
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
      reading = false;
      standby("start");
    }
    await until(
      () => usable(B),
      (n) => n === 1,
      "B uses the standby again",
    );
    const replicaBefore = await metric(B, /^wallet_db_reads_total\{target="replica"\}/);
    await until(
      async () => (await graphql<Wallet>(B, bystander.token, WALLET)).status,
      (status) => status === 200,
      "a read on B",
    );
    expect((await metric(B, /^wallet_db_reads_total\{target="replica"\}/)) - replicaBefore).toBeGreaterThan(0);
  });
});
