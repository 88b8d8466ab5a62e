import pg from "pg";
import type { Logger } from "../logger.ts";

/**
 * The channels the database's triggers NOTIFY on (see the wallet_event_notifications migration):
 * `wallet_ledger` "walletId:newestEntryId" after entries commit; `wallet_access` "token:<id>" when
 * a token is revoked, re-dated or deleted, "group:<masterId>" when a child is linked or unlinked.
 */
export const CHANNELS = { ledger: "wallet_ledger", access: "wallet_access" } as const;

/** What a listener hears: a NOTIFY on one of its channels, and a fresh connection after a loss. */
export type NotificationHandlers = {
  onNotification(channel: string, payload: string): void;
  /** The connection was lost and is back: notifications in between are gone, catch up. */
  onReconnect(): void;
  /** The connection was lost: until onReconnect, nothing is heard. */
  onLost?(): void;
};

export type Listening = { close(): Promise<void> };

const RETRY_MS = { first: 250, max: 5_000 };

/**
 * LISTEN on a connection of its own (a pooled one would be returned and lose its LISTENs),
 * reconnecting with backoff when PostgreSQL restarts or the socket drops. Resolves once the
 * first LISTEN is in place, so nothing committed after that is missed; rejects if the first
 * connection fails.
 */
export async function listenPostgres(
  options: { url: string; connectTimeoutMs: number },
  channels: readonly string[],
  handlers: NotificationHandlers,
  logger: Logger,
): Promise<Listening> {
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = RETRY_MS.first;
  let retryTimer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: "wallet-gateway-events",
      // A silently dropped connection (no FIN) is noticed instead of listening to nothing.
      keepAlive: true,
    });
    next.on("notification", (n) => handlers.onNotification(n.channel, n.payload ?? ""));
    next.on("error", (err) => {
      logger.warn({ err: err.message }, "event listener connection failed: reconnecting");
      lost(next);
    });
    next.on("end", () => lost(next));
    await next.connect();
    for (const channel of channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    retryMs = RETRY_MS.first;
  };

  const lost = (which: pg.Client): void => {
    if (closed || client !== which) return;
    client = null;
    handlers.onLost?.();
    which.end().catch(() => undefined);
    scheduleRetry();
  };

  const scheduleRetry = (): void => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().then(
        () => {
          logger.info("event listener reconnected");
          handlers.onReconnect();
        },
        (err: Error) => {
          logger.warn({ err: err.message, retryMs }, "event listener cannot reconnect yet");
          retryMs = Math.min(retryMs * 2, RETRY_MS.max);
          scheduleRetry();
        },
      );
    }, retryMs);
    retryTimer.unref();
  };

  await connect();
  return {
    close: async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
