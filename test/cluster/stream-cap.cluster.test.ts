import { describe, expect, it } from "vitest";
import { createCreator } from "../helpers/factories.ts";
import { type SseStream, subscribe } from "../helpers/sse.ts";
import { ADDRESSES, primaryForFile, until } from "./helpers.ts";

const ADDED = "subscription { transactionAdded { eventId } }";
const CAP = 5; // the default SUBSCRIPTIONS_PER_TOKEN

const db = primaryForFile();

describe("the per-token cap on open event streams, through nginx", () => {
  it("counts a token's streams on both gateways: the next one answers 429 until one closes", async () => {
    const creator = await createCreator(db());
    const open: SseStream[] = [];
    const listen = async () => {
      const stream = await subscribe(ADDRESSES.balancer, ADDED, { token: creator.token });
      open.push(stream);
      return stream;
    };
    try {
      for (let i = 0; i < CAP; i++) expect((await listen()).status).toBe(200);
      const leases = await db().prisma.eventStreamLease.groupBy({
        by: ["gatewayId"],
        where: { tokenId: creator.tokenId },
        _count: true,
      });
      // nginx spread them over both gateways, and the cap still counts them together.
      expect(leases).toHaveLength(2);
      expect(leases.reduce((n, l) => n + l._count, 0)).toBe(CAP);

      const refused = await listen();
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect((await refused.next()).errors![0]!.message).toBe(
        `This token already has ${CAP} open subscriptions (the maximum): close one first.`,
      );

      open[0]!.close();
      const again = await until(
        async () => {
          const stream = await listen();
          if (stream.status !== 200) stream.close();
          return stream.status;
        },
        (status) => status === 200,
        "a stream after one closed",
        5_000,
      );
      expect(again).toBe(200);
    } finally {
      for (const s of open) s.close();
    }
  });
});
