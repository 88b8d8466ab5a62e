import { describe, expect, it } from "vitest";
import { createCreator } from "../helpers/factories.ts";
import { subscribe } from "../helpers/sse.ts";
import { ADDRESSES, deposit, primaryForFile } from "./helpers.ts";

const [A, B] = ADDRESSES.gateways as [string, string];
const ADDED = "subscription { transactionAdded { eventId transaction { amount { amount } } } }";
type Added = { transactionAdded: { eventId: string; transaction: { amount: { amount: number } } } };

const db = primaryForFile();

describe("live events through nginx and across gateways", () => {
  it("a stream through the balancer gets each event as it is written, with its id, and the 12 s heartbeat", async () => {
    const service = await createCreator(db(), { service: true });
    const creator = await createCreator(db());
    const stream = await subscribe(ADDRESSES.balancer, ADDED, { token: creator.token });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toContain("text/event-stream");
      await deposit(A, service.token, creator.id, 7);
      const event = await stream.next<Added>(5_000);
      expect(event.data!.transactionAdded.transaction.amount.amount).toBe(7);
      expect(stream.events.at(-1)!.id).toBe(event.data!.transactionAdded.eventId);
      // Yoga pings every 12 s: the balancer passes it (one ping at the start, one after).
      await new Promise((r) => setTimeout(r, 13_000));
      expect(stream.heartbeats()).toBeGreaterThanOrEqual(2);
    } finally {
      stream.close();
    }
  }, 30_000);

  it("a client that reconnects to the other gateway with Last-Event-ID gets exactly what it missed", async () => {
    const service = await createCreator(db(), { service: true });
    const creator = await createCreator(db());
    const first = await subscribe(A, ADDED, { token: creator.token });
    await deposit(A, service.token, creator.id, 1);
    await first.next<Added>(5_000);
    const lastId = first.events.at(-1)!.id!;
    first.close();
    for (const amount of [2, 3]) await deposit(A, service.token, creator.id, amount);
    const second = await subscribe(B, ADDED, { token: creator.token, headers: { "last-event-id": lastId } });
    try {
      const missed = [await second.next<Added>(5_000), await second.next<Added>(5_000)];
      expect(missed.map((e) => e.data!.transactionAdded.transaction.amount.amount)).toEqual([2, 3]);
      await deposit(B, service.token, creator.id, 4);
      expect((await second.next<Added>(5_000)).data!.transactionAdded.transaction.amount.amount).toBe(4);
      expect(second.events.map((e) => e.id)).toEqual(
        second.events.map((e) => (e.data as { data: Added }).data.transactionAdded.eventId),
      );
    } finally {
      second.close();
    }
  });
});
