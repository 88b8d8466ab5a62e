import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../helpers/db.ts";

const TTL_MS = 15_000;

// PostgreSQL only: event_stream_lease (the per-token stream cap) makes openers of one token wait
// for each other, and nobody else.
describe("event_stream_lease's locks", () => {
  it("an opener waiting for its token's turn holds up no other token's opener on the same gateway", async () => {
    const db = await testDatabase();
    const pool = db.pgPool!;
    const gateway = randomUUID();
    const [busyToken, otherToken] = [900_000_001, 900_000_002];
    const lease = (token: number) =>
      pool.query<{ taken: boolean }>("SELECT event_stream_lease($1::uuid, $2::int, $3::uuid, 5, $4::int) AS taken", [
        randomUUID(),
        token,
        gateway,
        TTL_MS,
      ]);
    expect((await lease(busyToken)).rows[0]!.taken).toBe(true); // the gateway's row exists and is fresh

    // Another gateway's opener of busyToken is mid-way (it holds the token's turn).
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(727002, $1)", [busyToken]);
      const waiting = lease(busyToken).then(
        (r) => r.rows[0]!.taken,
        (err: Error) => err.message, // held past lock_timeout
      );
      await new Promise((r) => setTimeout(r, 200)); // it is waiting for the token's turn

      const started = performance.now();
      expect((await lease(otherToken)).rows[0]!.taken).toBe(true);
      expect(performance.now() - started).toBeLessThan(1_000);

      await holder.query("COMMIT");
      expect(await waiting).toBe(true);
    } finally {
      holder.release();
    }
  });
});
