import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { UNLIMITED, startServer } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { createService, deposit, mutate, recordSale, type Service } from "../helpers/money.ts";
import { testDatabase } from "../helpers/db.ts";
import { LEAKS } from "../helpers/limits.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";

const TRANSACTIONS = `subscription($since: String) { transactionAdded(since: $since) { eventId transaction { amount { amount } type } } }`;

describe("limits of live event streams", () => {
  let db: Database;
  let url: string;
  let service: Service;
  const open: SseStream[] = [];
  beforeAll(async () => {
    db = await testDatabase();
    // Small figures so the test reaches them: 2 streams per token, 3 queued events (30 at most), 200 ms to catch up, 4 replayed.
    ({ url } = await startServer(db, {
      ...UNLIMITED,
      subscriptions: {
        ...UNLIMITED.subscriptions,
        perToken: 2,
        perProcess: 1_000,
        queueEvents: 3,
        slowConsumerMs: 200,
        replayMax: 4,
      },
    }));
    service = await createService(db);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  const listen = async (token: string, variables: Record<string, unknown> = {}) => {
    const stream = await subscribe(url, TRANSACTIONS, { token, variables });
    open.push(stream);
    return stream;
  };

  it("caps the streams of one token: the next one answers 429 with Retry-After until one closes", async () => {
    const creator = await createCreator(db);
    const a = await listen(creator.token);
    await listen(creator.token);
    const third = await listen(creator.token);
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("5");
    const refused = await third.next();
    expect(refused.errors![0]).toMatchObject({
      message: "This token already has 2 open subscriptions (the maximum): close one first.",
      extensions: { code: "SUBSCRIPTION_LIMIT" },
    });
    // Another token of the same gateway is not affected; closing one stream frees a place.
    const other = await createCreator(db);
    expect((await listen(other.token)).status).toBe(200);
    a.close();
    await new Promise((r) => setTimeout(r, 200));
    expect((await listen(creator.token)).status).toBe(200);
  });

  it("keeps idle streams alive with heartbeats", async () => {
    const creator = await createCreator(db);
    const stream = await listen(creator.token);
    // Yoga pings every 12 s (300 ms under NODE_ENV=test, as here); the first one comes at once.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(stream.heartbeats()).toBeGreaterThanOrEqual(3);
    expect(stream.events).toEqual([]);
  });

  it("drops a client that falls ten times the queue behind, instead of buffering for it", async () => {
    const creator = await createCreator(db);
    // 40 sales on hold, released in one movement: 40 visible entries (hold to available) at once.
    for (let i = 0; i < 40; i++) await recordSale(url, service.token, creator.id, 10 + i);
    const stream = await listen(creator.token);
    await mutate(
      url,
      service.token,
      `mutation($id: Int) { releaseHolds(input: { accountId: $id, holdPeriodDays: 0 }) { __typename } }`,
      { id: creator.id },
    );
    const events = [];
    for (;;) {
      const e = await stream.next();
      events.push(e);
      if (e.errors) break;
    }
    expect(events.at(-1)!.errors![0]).toMatchObject({
      message:
        "Events arrived faster than this client read them: the stream was dropped. Resume with `since` set to the last eventId.",
      extensions: { code: "SLOW_CONSUMER" },
    });
    // What it got before the drop is the head of the release, in order, and no more than the cap.
    const amounts = events
      .slice(0, -1)
      .map(
        (e) =>
          (e.data as { transactionAdded: { transaction: { amount: { amount: number } } } }).transactionAdded.transaction.amount
            .amount,
      );
    expect(amounts.length).toBeLessThanOrEqual(30);
    expect(amounts).toEqual(Array.from({ length: amounts.length }, (_, i) => 10 + i));
    await stream.ended;
    expect(stream.events.at(-1)!.event).toBe("complete");
  });

  it("lets a burst above the queue through when the client keeps reading", async () => {
    const creator = await createCreator(db);
    for (let i = 0; i < 5; i++) await recordSale(url, service.token, creator.id, 100 + i);
    const stream = await listen(creator.token);
    await mutate(
      url,
      service.token,
      `mutation($id: Int) { releaseHolds(input: { accountId: $id, holdPeriodDays: 0 }) { __typename } }`,
      {
        id: creator.id,
      },
    );
    // 5 entries at once against a queue of 3: within the grace the client reads them all.
    const got = [];
    for (let i = 0; i < 5; i++) got.push(await stream.next<{ transactionAdded: { transaction: { type: string } } }>());
    expect(got.map((e) => e.data?.transactionAdded.transaction.type)).toEqual(Array(5).fill("HOLD_RELEASE"));
    await new Promise((r) => setTimeout(r, 400));
    expect(stream.events.every((e) => e.event === "next")).toBe(true);
  });

  it("refuses a resume point further behind than the replay allows, saying what to do", async () => {
    const creator = await createCreator(db);
    const first = await listen(creator.token);
    await deposit(url, service.token, creator.id, 1);
    const seen = await first.next<{ transactionAdded: { eventId: string } }>();
    first.close();
    for (let i = 0; i < 5; i++) await deposit(url, service.token, creator.id, 2 + i, randomUUID());
    const late = await listen(creator.token, { since: seen.data!.transactionAdded.eventId });
    const refused = await late.next();
    expect(refused.errors![0]).toMatchObject({
      message: "since: is more than 4 entries behind: read the ledger (transactions) and subscribe again without it",
      extensions: { code: "VALIDATION_FAILED" },
    });
    expect(JSON.stringify(refused)).not.toMatch(LEAKS);
  });
});
