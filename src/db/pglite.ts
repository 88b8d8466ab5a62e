import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PrismaPGlite } from "pglite-prisma-adapter";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Listening, NotificationHandlers } from "./notifications.ts";
import type { SqlPool, SqlSession } from "./sql-session.ts";

export type PGliteHandle = {
  adapter: PrismaPGlite;
  pool: SqlPool;
  query<Row>(text: string, values: unknown[]): Promise<Row[]>;
  notify(channel: string, payload: string): Promise<void>;
  listen(channels: readonly string[], handlers: NotificationHandlers): Promise<Listening>;
  close(): Promise<void>;
};

/** Opens (creating if needed) the embedded database under dataDir, holding its lock. */
export async function openPGlite(dataDir: string): Promise<PGliteHandle> {
  // Loaded here, not at start-up: a gateway on PostgreSQL never needs them (~50 ms and ~6 MB).
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]);
  const lock = lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = new PGlite(path.join(dataDir, "pgdata"));
    await pglite.waitReady;
  } catch (err) {
    lock.release();
    throw err;
  }
  const session: SqlSession = {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await pglite.query<Row>(sql, params)).rows,
  };
  return {
    adapter: new PrismaPGlite(pglite),
    pool: { withSession: (fn) => fn(session) },
    query: session.query,
    notify: async (channel, payload) => {
      await pglite.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    // In process: the embedded engine delivers its own NOTIFYs (on commit) to these callbacks.
    listen: async (channels, handlers) => {
      const stops = await Promise.all(
        channels.map((channel) => pglite.listen(channel, (payload) => handlers.onNotification(channel, payload))),
      );
      return {
        close: async () => {
          if (!pglite.closed) await Promise.all(stops.map((stop) => stop()));
        },
      };
    },
    close: async () => {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        lock.release();
      }
    },
  };
}
