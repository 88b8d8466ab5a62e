import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, openWalletServer, type Service } from "../helpers/money.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";

const SUB = "subscription { transactionAdded { eventId transaction { amount { amount } } } }";
const TICKET = "{ viewer { eventStreamTicket { ticket expiresAt } } }";

/** What a browser's EventSource sends: a GET with the query in the URL, no token header. */
const eventSource = (url: string, query: string, ticket: string) =>
  fetch(`${url}/graphql?query=${encodeURIComponent(query)}&ticket=${encodeURIComponent(ticket)}`, {
    headers: { accept: "text/event-stream" },
  });

describe("stream tickets: live events for a browser's EventSource, which cannot send the token", () => {
  let db: Database;
  let url: string;
  let service: Service;
  const streams: SseStream[] = [];
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));
  afterAll(() => streams.forEach((s) => s.close()));

  const ticketOf = async (token: string) => {
    const res = await gql<{ viewer: { eventStreamTicket: { ticket: string; expiresAt: string } } }>(url, TICKET, { token });
    return res.body.data!.viewer.eventStreamTicket;
  };

  it("opens the viewer's stream with a GET and the ticket, events carrying their ids, for 15 minutes", async () => {
    const creator = await createCreator(db);
    const { ticket, expiresAt } = await ticketOf(creator.token);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const stream = await subscribe(url, SUB, { ticket });
    streams.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await deposit(url, service.token, creator.id, 42);
    const event = await stream.next<{ transactionAdded: { eventId: string; transaction: { amount: { amount: number } } } }>();
    expect(event.data!.transactionAdded.transaction.amount.amount).toBe(42);
    expect(stream.events.at(-1)!.id).toBe(event.data!.transactionAdded.eventId);
  });

  it("opens nothing else: a query with a ticket, a tampered ticket, a revoked token's ticket and a ticket without an event-stream request are refused", async () => {
    const creator = await createCreator(db);
    const { ticket } = await ticketOf(creator.token);
    const query = await eventSource(url, "{ viewer { wallet { available { amount } } } }", ticket);
    expect(await query.text()).toContain("A stream ticket opens subscriptions only");

    const tampered = await eventSource(url, SUB, `${ticket.slice(0, -1)}${ticket.endsWith("A") ? "B" : "A"}`);
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).toContain("Invalid stream ticket.");

    const plain = await fetch(`${url}/graphql?query=${encodeURIComponent("{ viewer { tokenRole } }")}&ticket=${ticket}`);
    expect(plain.status).toBe(401); // a ticket outside an event stream is not a credential

    const revoked = await createCreator(db);
    const before = await ticketOf(revoked.token);
    await db.prisma.apiToken.update({ where: { id: revoked.tokenId }, data: { revokedAt: new Date() } });
    const refused = await eventSource(url, SUB, before.ticket);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("The token of this stream ticket is no longer valid.");
  });
});
