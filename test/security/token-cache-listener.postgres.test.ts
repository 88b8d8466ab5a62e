import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { tokenReads } from "../helpers/statements.ts";

// PostgreSQL only: the cache listens for revocations on a connection of its own, which PostgreSQL may drop.
describe("the token cache without its listener", () => {
  let db: Database;
  let url: string;
  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  const listeners = async () =>
    (
      await db.pgPool!.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'wallet-gateway-events'
         AND datname = current_database() AND pid <> pg_backend_pid()`,
      )
    ).rows.map((r) => r.pid);

  it("forgets what it kept when the connection is lost: a revocation nobody heard is still refused after the reconnect", async () => {
    const creator = await createCreator(db);
    expect((await tokenReads(db, url, creator.token)).status).toBe(200);
    expect(await tokenReads(db, url, creator.token)).toEqual({ status: 200, reads: 0 });
    const before = await listeners();
    expect(before.length).toBeGreaterThanOrEqual(1);
    await db.pgPool!.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [before]);
    // Revoked while nobody listens: its NOTIFY is lost.
    await db.pgPool!.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [creator.tokenId]);
    const started = performance.now();
    while ((await listeners()).filter((pid) => !before.includes(pid)).length === 0) {
      expect(performance.now() - started).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const after = await gql(url, "{ viewer { tokenRole } }", { token: creator.token });
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.reason).toBe("api_key_revoked");
  });
});
