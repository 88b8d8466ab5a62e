import { beforeAll, describe, expect, it } from "vitest";
import { createCreator } from "../helpers/factories.ts";
import { ADDRESSES, deposit, graphql, metric, primaryForFile } from "./helpers.ts";

const [A, B] = ADDRESSES.gateways as [string, string];
const ROUNDS = Number(process.env.CLUSTER_RYW_ROUNDS ?? 1000);
const WALLET = "{ viewer { wallet { available { amount } pending { amount } } } }";
const CASHOUT = "mutation { requestCashout(input: {}) { __typename } }";
type Wallet = { viewer: { wallet: { available: { amount: number }; pending: { amount: number } } } };
const reads = (base: string, target: "replica" | "primary") =>
  metric(base, new RegExp(`^wallet_db_reads_total\\{target="${target}"\\}`));

const db = primaryForFile();

describe("read-your-writes across gateways, with the standby 500 ms behind", () => {
  let service: Awaited<ReturnType<typeof createCreator>>;
  beforeAll(async () => {
    service = await createCreator(db(), { service: true });
  });

  it(`${ROUNDS} cashouts through gateway A, each read at once through gateway B with its token: 0 stale reads; another account's reads stay on the replica`, async () => {
    const writer = await createCreator(db());
    const bystander = await createCreator(db());
    expect((await deposit(A, service.token, bystander.id, 700)).body.data!.recordDeposit.__typename).toBe("RecordDepositPayload");
    const before = { replica: await reads(B, "replica"), primary: await reads(B, "primary") };

    let stale = 0;
    let staleWithoutToken = 0;
    let bystanderReads = 0;
    for (let i = 1; i <= ROUNDS; i++) {
      expect((await deposit(A, service.token, writer.id, 100)).status).toBe(200);
      const cashout = await graphql<{ requestCashout: { __typename: string } }>(A, writer.token, CASHOUT);
      expect(cashout.body, JSON.stringify(cashout.body)).toMatchObject({
        data: { requestCashout: { __typename: "RequestCashoutPayload" } },
      });
      const token = cashout.headers.get("x-consistency-token");
      expect(token).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      const read = await graphql<Wallet>(B, writer.token, WALLET, {}, { "x-consistency-token": token! });
      const wallet = read.body.data!.viewer.wallet;
      if (wallet.pending.amount !== 100 * i || wallet.available.amount !== 0) stale++;
      // The control: the same read without the token, on B, where nothing else says A wrote.
      if (i % 50 === 0) {
        const blind = await graphql<Wallet>(B, writer.token, WALLET);
        if (blind.body.data!.viewer.wallet.pending.amount !== 100 * i) staleWithoutToken++;
        const other = await graphql<Wallet>(B, bystander.token, WALLET);
        expect(other.body.data!.viewer.wallet.available.amount).toBe(700);
        bystanderReads++;
      }
    }
    process.stderr.write(
      `read-your-writes: ${ROUNDS} reads with the token, ${stale} stale; ${staleWithoutToken} of ${bystanderReads} without it stale\n`,
    );
    expect(stale).toBe(0);
    // The standby really is behind: without the token, B answers from it.
    expect(staleWithoutToken).toBeGreaterThan(0);
    const after = { replica: await reads(B, "replica"), primary: await reads(B, "primary") };
    // The bystander's reads and the blind ones (B never heard of the writer's writes) went to the
    // replica; every read with a token to the primary (the standby cannot have replayed a write of
    // a moment ago: it applies WAL 500 ms late).
    expect(after.replica - before.replica).toBeGreaterThanOrEqual(2 * bystanderReads);
    expect(after.primary - before.primary).toBeGreaterThanOrEqual(ROUNDS);
  });
});
