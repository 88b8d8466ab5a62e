import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { createService, deposit, mutate, recordSale } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

const QUERY = `{ viewer { wallet { available { amount } hold { amount } pending { amount } total { amount } referralRevenue { amount } currency { code }
  transactions(first: 50) { ... on TransactionConnection { totalCount pageInfo { hasNextPage endCursor }
    nodes { id: legacyId uuid amount { amount } fee { amount } net { amount } type studioAction status bucket balanceAfter { amount } title description createdAt
      currency { code } payout { id: legacyId amount { amount } status } invoice { id: legacyId status } } } } } } }`;

describe("wallet with 50 ledger entries: SQL statements do not grow with the page", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  /** A creator with `movements` deposits+cashouts (each cashout creates a payout). */
  async function creatorWith(movements: number) {
    const [creator, service] = [await createCreator(db), await createService(db)];
    for (let i = 0; i < movements; i++) {
      await deposit(url, service.token, creator.id, 100 + i);
      await mutate(url, creator.token, "mutation { requestCashout(input: {}) { __typename } }");
      await recordSale(url, service.token, creator.id, 10);
    }
    return creator;
  }

  async function statementsFor(token: string) {
    const { result, count } = await countStatements(db, async () => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY }),
      });
      return (await res.json()) as { data: { viewer: { wallet: { transactions: { nodes: unknown[] } } } } };
    });
    return { count, nodes: result.data.viewer.wallet.transactions.nodes.length };
  }

  it("costs the same small number of statements for 5 and for 50 entries (with payouts)", async () => {
    const warm = await creatorWith(1);
    await statementsFor(warm.token); // the first query of a process also loads the cursor signing key
    const small = await statementsFor((await creatorWith(2)).token); // 2 x (deposit, cashout, sale) = 6 visible entries
    const large = await statementsFor((await creatorWith(17)).token); // 51 visible entries, 50 shown
    expect(small.nodes).toBe(6);
    expect(large.nodes).toBe(50);
    // the wallet with its keyset page (one statement), count, payouts (one batch); the token was read
    // when the creator cashed out, the currency by the first query, and both are kept since
    expect(small.count).toBe(3);
    expect(large.count).toBe(small.count);
  });
});
