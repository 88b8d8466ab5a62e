import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { postMovement } from "../../src/modules/ledger/ledger.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";

const TRANSACTIONS = `subscription($scope: EventScope, $since: String) { transactionAdded(scope: $scope, since: $since) {
  eventId account { id: legacyId } transaction { amount { amount } type bucket } } }`;
const WALLETS = `subscription($scope: EventScope) { walletUpdated(scope: $scope) {
  eventId account { id: legacyId } available { amount } hold { amount } pending { amount } total { amount } cause } }`;

type Added = {
  transactionAdded: { eventId: string; account: { id: number }; transaction: { amount: { amount: number }; type: string } };
};

describe("live wallet events over SSE", () => {
  let db: Database;
  let url: string;
  let service: Service;
  const open: SseStream[] = [];
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  const listen = async (query: string, token: string, variables: Record<string, unknown> = {}, headers = {}) => {
    const stream = await subscribe(url, query, { token, variables, headers });
    open.push(stream);
    return stream;
  };
  const amountOf = (e: { data?: Added | null }) => e.data!.transactionAdded.transaction.amount.amount;

  it("sends each new visible transaction and the buckets after each movement, as they commit", async () => {
    const creator = await createCreator(db);
    const added = await listen(TRANSACTIONS, creator.token);
    const updated = await listen(WALLETS, creator.token);
    expect(added.status).toBe(200);
    expect(added.headers.get("content-type")).toContain("text/event-stream");
    await deposit(url, service.token, creator.id, 1234);
    const first = await added.next<Added>();
    expect(first.data!.transactionAdded).toMatchObject({
      account: { id: creator.id },
      transaction: { amount: { amount: 1234 }, type: "DEPOSIT", bucket: "AVAILABLE" },
    });
    expect((await updated.next()).data).toMatchObject({
      walletUpdated: {
        account: { id: creator.id },
        available: { amount: 1234 },
        hold: { amount: 0 },
        pending: { amount: 0 },
        total: { amount: 1234 },
        cause: "DEPOSIT",
      },
    });
  });

  it("sends nothing for a movement that failed or rolled back, and the next one that commits arrives alone", async () => {
    const creator = await createCreator(db);
    const added = await listen(TRANSACTIONS, creator.token);
    const refused = await gql<{ recordWithdrawal: { __typename: string } }>(
      url,
      `mutation { recordWithdrawal(input: { accountId: ${creator.id}, amount: 500, externalId: "w-${creator.id}" }) { __typename } }`,
      { token: service.token },
    );
    expect(refused.body.data!.recordWithdrawal.__typename).toBe("InsufficientFundsError");
    // Entries written, then the transaction fails: the database never announces them.
    const wallet = await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: creator.id } });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await postMovement(tx, {
          walletId: wallet.id,
          lines: [{ bucket: "AVAILABLE", amount: 999n, type: "DEPOSIT", status: "AVAILABLE" }],
        });
        throw new Error("the caller failed after writing");
      }),
    ).rejects.toThrow("the caller failed after writing");
    await deposit(url, service.token, creator.id, 77);
    expect(amountOf(await added.next<Added>())).toBe(77);
    await new Promise((r) => setTimeout(r, 300));
    expect(added.events.filter((e) => e.event === "next")).toHaveLength(1);
  });

  it("resumes after a disconnect: `since` (or Last-Event-ID) replays exactly the missed entries, then goes on live", async () => {
    const creator = await createCreator(db);
    const first = await listen(TRANSACTIONS, creator.token);
    await deposit(url, service.token, creator.id, 1);
    const seen = await first.next<Added>();
    first.close();
    for (const amount of [2, 3, 4]) await deposit(url, service.token, creator.id, amount);

    const resumed = await listen(TRANSACTIONS, creator.token, { since: seen.data!.transactionAdded.eventId });
    const replayed = [await resumed.next<Added>(), await resumed.next<Added>(), await resumed.next<Added>()];
    expect(replayed.map(amountOf)).toEqual([2, 3, 4]);
    await deposit(url, service.token, creator.id, 5);
    expect(amountOf(await resumed.next<Added>())).toBe(5);

    // The header an EventSource-style client sends on reconnect works the same way.
    const byHeader = await listen(
      TRANSACTIONS,
      creator.token,
      {},
      { "last-event-id": replayed[1]!.data!.transactionAdded.eventId },
    );
    expect([amountOf(await byHeader.next<Added>()), amountOf(await byHeader.next<Added>())]).toEqual([4, 5]);
    // Every event id is distinct (clients de-duplicate by it).
    const ids = [seen, ...replayed].map((e) => e.data!.transactionAdded.eventId);
    expect(new Set(ids).size).toBe(4);
    // Each SSE event carries its eventId as its `id:` line, which an EventSource sends back as Last-Event-ID.
    expect(resumed.events.filter((e) => e.event === "next").map((e) => e.id)).toEqual(
      resumed.events
        .filter((e) => e.event === "next")
        .map((e) => (e.data as { data: { transactionAdded: { eventId: string } } }).data.transactionAdded.eventId),
    );
    expect(resumed.events.filter((e) => e.event === "next").map((e) => e.id)).toEqual([...ids.slice(1), expect.any(String)]);
  });

  it("refuses a resume point it never issued with a clear validation error", async () => {
    const creator = await createCreator(db);
    const bad = await listen(TRANSACTIONS, creator.token, { since: "'; drop table ledger_entries; --" });
    const result = await bad.next();
    expect(result.errors![0]).toMatchObject({
      message: "since: is not an event id this API issued",
      extensions: { code: "VALIDATION_FAILED" },
    });
  });

  it("follows a master's whole group with scope GROUP, and stops following a child once it is unlinked", async () => {
    const master = await createCreator(db, { name: "Agency" });
    const child = await createCreator(db, { currency: "EUR" });
    await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
    const group = await listen(TRANSACTIONS, master.token, { scope: "GROUP" });
    const own = await listen(TRANSACTIONS, master.token);
    await deposit(url, service.token, child.id, 300);
    await deposit(url, service.token, master.id, 100);
    const a = await group.next<Added>();
    const b = await group.next<Added>();
    expect([a, b].map((e) => [e.data!.transactionAdded.account.id, amountOf(e)])).toEqual([
      [child.id, 300],
      [master.id, 100],
    ]);
    expect(amountOf(await own.next<Added>())).toBe(100);

    const unlinked = await gql<{ unlinkAccount: { __typename: string } }>(
      url,
      `mutation { unlinkAccount(input: { childId: ${child.id} }) { __typename } }`,
      { token: master.token },
    );
    expect(unlinked.body.data!.unlinkAccount.__typename).toBe("UnlinkAccountPayload");
    await new Promise((r) => setTimeout(r, 300));
    await deposit(url, service.token, child.id, 301);
    await deposit(url, service.token, master.id, 101);
    const next = await group.next<Added>();
    expect([next.data!.transactionAdded.account.id, amountOf(next)]).toEqual([master.id, 101]);
    expect(group.events.filter((e) => e.event === "next")).toHaveLength(3);
  });

  it("ends a stream whose token is revoked, with a last error saying so", async () => {
    const creator = await createCreator(db);
    const metric = async () =>
      Number(
        /^wallet_event_streams_ended_total\{reason="token_revoked"\} (\d+)$/m.exec(
          await (await fetch(`${url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const endedBefore = await metric();
    const stream = await listen(TRANSACTIONS, creator.token);
    const revoked = await gql<{ revokeToken: { __typename: string } }>(
      url,
      `mutation { revokeToken(input: { tokenId: ${creator.tokenId} }) { __typename } }`,
      { token: creator.token },
    );
    expect(revoked.body.data!.revokeToken.__typename).toBe("RevokeTokenPayload");
    const last = await stream.next();
    expect(last).toEqual({
      data: null,
      errors: [
        expect.objectContaining({
          message: "The token of this subscription was revoked: the stream has ended.",
          extensions: { code: "TOKEN_REVOKED" },
        }),
      ],
    });
    await stream.ended;
    expect(stream.events.at(-1)!.event).toBe("complete");
    expect(await metric()).toBe(endedBefore + 1);
  });

  it("ends a stream when its token expires, with a last error saying so", async () => {
    const creator = await createCreator(db);
    await db.prisma.apiToken.update({ where: { id: creator.tokenId }, data: { expiresAt: new Date(Date.now() + 1_500) } });
    const stream = await listen(TRANSACTIONS, creator.token);
    expect(stream.status).toBe(200);
    const last = await stream.next(5_000);
    expect(last.errors![0]).toMatchObject({
      message: "The token of this subscription expired: the stream has ended.",
      extensions: { code: "TOKEN_EXPIRED" },
    });
    await stream.ended;
  });

  it("refuses subscriptions without a token (401)", async () => {
    const res = await subscribe(url, TRANSACTIONS);
    open.push(res);
    const result = await res.next();
    expect(result.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
