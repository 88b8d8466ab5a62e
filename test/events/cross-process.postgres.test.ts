import { describe, expect, it } from "vitest";
import { gql } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { createService, deposit } from "../helpers/money.ts";
import { gatewaysOnPostgres } from "../helpers/gateways.ts";
import type { Gateway } from "../helpers/processes.ts";
import { subscribe } from "../helpers/sse.ts";

const TRANSACTIONS = `subscription { transactionAdded { eventId account { id: legacyId } transaction { amount { amount } type } } }`;
const WALLETS = `subscription { walletUpdated { available { amount } total { amount } cause } }`;

// PostgreSQL only: a write through one gateway process reaches a subscriber connected to another.
describe("live events across two gateway processes on one PostgreSQL database", () => {
  const gateways = gatewaysOnPostgres(2, { RATE_LIMITS: "off" });

  it("delivers a movement written through A to a subscriber on B within 1 s, and a revocation on A ends B's stream", async () => {
    const db = await testDatabase();
    const creator = await createCreator(db);
    const service = await createService(db);
    const [a, b] = gateways() as [Gateway, Gateway];
    const added = await subscribe(b.url, TRANSACTIONS, { token: creator.token });
    const updated = await subscribe(b.url, WALLETS, { token: creator.token });
    try {
      expect(added.status).toBe(200);
      const started = performance.now();
      await deposit(a.url, service.token, creator.id, 4321);
      const event = await added.next<{ transactionAdded: { account: { id: number }; transaction: unknown } }>(1_000);
      const latencyMs = performance.now() - started;
      expect(event.data!.transactionAdded).toMatchObject({
        account: { id: creator.id },
        transaction: { amount: { amount: 4321 }, type: "DEPOSIT" },
      });
      expect(latencyMs).toBeLessThan(1_000);
      expect((await updated.next(1_000)).data).toEqual({
        walletUpdated: { available: { amount: 4321 }, total: { amount: 4321 }, cause: "DEPOSIT" },
      });

      const revoked = await gql<{ revokeToken: { __typename: string } }>(
        a.url,
        `mutation { revokeToken(input: { tokenId: ${creator.tokenId} }) { __typename } }`,
        { token: creator.token },
      );
      expect(revoked.body.data!.revokeToken.__typename).toBe("RevokeTokenPayload");
      const last = await added.next(2_000);
      expect(last.errors![0]!.extensions).toEqual({ code: "TOKEN_REVOKED" });
      await added.ended;
      expect(added.events.at(-1)!.event).toBe("complete");
    } finally {
      added.close();
      updated.close();
    }
  });
});
