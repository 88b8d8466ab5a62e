import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ACCESS_LOG, exited, gatewayPid, startGateway, waitReady } from "../../scripts/cluster.ts";
import { closeChromium, offlinePage } from "../helpers/browser.ts";
import { createCreator } from "../helpers/factories.ts";
import { ADDRESSES, deposit, graphql, primaryForFile, until } from "./helpers.ts";

const SUB = "subscription { transactionAdded { eventId transaction { amount { amount } } } }";
type Seen = { amounts: number[]; lastIds: string[]; errors: number };

afterAll(closeChromium);

const db = primaryForFile();

describe("a browser's EventSource through nginx, resuming on the other gateway by itself", () => {
  it("a gateway stops under the open stream: Chromium reconnects through the balancer with Last-Event-ID and gets exactly what it missed, then live events", async () => {
    const service = await createCreator(db(), { service: true });
    const creator = await createCreator(db());
    const ticket = (
      await graphql<{ viewer: { eventStreamTicket: { ticket: string } } }>(
        ADDRESSES.balancer,
        creator.token,
        "{ viewer { eventStreamTicket { ticket } } }",
      )
    ).body.data!.viewer.eventStreamTicket.ticket;

    const { page, external } = await offlinePage(ADDRESSES.balancer);
    await page.goto(`${ADDRESSES.balancer}/healthz`);
    await page.evaluate(
      ({ query, ticket }) => {
        const seen: Seen = { amounts: [], lastIds: [], errors: 0 };
        (window as unknown as { seen: Seen }).seen = seen;
        const source = new EventSource(`/graphql?query=${encodeURIComponent(query)}&ticket=${encodeURIComponent(ticket)}`);
        source.addEventListener("next", (e) => {
          const payload = JSON.parse((e as MessageEvent<string>).data) as {
            data?: { transactionAdded: { transaction: { amount: { amount: number } } } };
          };
          if (!payload.data) return; // the "gateway shutting down" notice
          seen.amounts.push(payload.data.transactionAdded.transaction.amount.amount);
          seen.lastIds.push((e as MessageEvent).lastEventId);
        });
        source.addEventListener("error", () => seen.errors++);
      },
      { query: SUB, ticket },
    );
    const seen = () => page.evaluate(() => (window as unknown as { seen: Seen }).seen);
    const seenUntil = (check: (s: Seen) => boolean, what: string) => until(seen, check, what);

    await new Promise((r) => setTimeout(r, 500)); // the stream is open
    await deposit(ADDRESSES.gateways[0]!, service.token, creator.id, 1);
    await seenUntil((s) => s.amounts.length === 1, "the first event");

    // Stop each gateway in turn (SIGTERM ends open streams); the one holding the stream makes the browser reconnect.
    for (const n of [1, 2] as const) {
      const pid = gatewayPid(n)!;
      process.kill(pid, "SIGTERM");
      await exited(pid);
      // Written while the stream is down or moving.
      const other = ADDRESSES.gateways[n === 1 ? 1 : 0]!;
      await deposit(other, service.token, creator.id, n === 1 ? 2 : 3);
      startGateway(n - 1);
      await waitReady(ADDRESSES.gateways[n - 1]!);
      const expected = n === 1 ? [1, 2] : [1, 2, 3];
      const s = await seenUntil((x) => x.amounts.length >= expected.length, `after stopping gateway ${n}`);
      expect(s.amounts).toEqual(expected);
    }
    const s = await seen();
    expect(s.errors).toBeGreaterThanOrEqual(1); // it did reconnect
    await deposit(ADDRESSES.balancer, service.token, creator.id, 4);
    const last = await seenUntil((x) => x.amounts.length === 4, "the live event after the resume");
    expect(last.amounts).toEqual([1, 2, 3, 4]);
    expect(new Set(last.lastIds).size).toBe(4);
    expect(external).toEqual([]);
    // The ticket rode in the URL; nginx logged the streams' paths without it.
    const log = readFileSync(ACCESS_LOG, "utf8");
    expect(log).toMatch(/"GET \/graphql HTTP\/1\.1" 200 /);
    expect(log).not.toContain(ticket.split(".").at(-1)!);
  }, 120_000);
});
