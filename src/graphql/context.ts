import type { Database } from "../db/database.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { RateLimits } from "../limits/rate-limits.ts";
import type { Logger } from "../logger.ts";
import type { CashoutSettings } from "../modules/cashout/cashout-rules.ts";
import type { WalletEventHub } from "../modules/events/wallet-event-hub.ts";
import type { Viewer } from "../modules/accounts/viewer.ts";
import type { Loaders } from "./loaders.ts";

export type GraphQLContext = {
  db: Database;
  prisma: PrismaClient;
  viewer: Viewer | null;
  /** The caller's address (per-address limits: logins, registrations); null when unknown. */
  clientAddress: string | null;
  rateLimits: RateLimits;
  loaders: Loaders;
  /** How long sales stay on hold before they become available. */
  holdPeriodDays: number;
  appLinkBase: string;
  /** The cashout rules' settings (preview and requestCashout). */
  cashout: CashoutSettings;
  /** Live wallet events of this process (subscriptions). */
  events: WalletEventHub;
  /** The HTTP request (subscriptions read Last-Event-ID from it). */
  request: Request;
  requestId: string;
  logger: Logger;
};
