import { createHash } from "node:crypto";
import type pg from "pg";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { Logger } from "../logger.ts";
import type { LimitsConfig, Window } from "./limits-config.ts";
import { rateLimitRejections } from "../metrics/domain-metrics.ts";
import type { LoginAttempt } from "../modules/accounts/login.service.ts";
import { type Count, WindowCounters } from "./window-counters.ts";

export type Tier = "read" | "write" | "service";

/** What a response tells the client about its limit (the tightest window of its tier). */
export type LimitState = { tier: Tier; limit: number; remaining: number; resetSeconds: number };

/** A request over its limit: answered 429 with Retry-After in its surface's envelope. */
export class RateLimitedError extends Error {
  override name = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly state: LimitState | null = null,
  ) {
    super(message);
  }
}

const MINUTE = 60;
const HOUR = 3600;

/** A stable, short key for a secret or an email (rate-limit tables never hold either). */
export const hashedKey = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 32);

/**
 * Every rate limit of the gateway. The per-request ones (the read, write and service tiers, and
 * the bad-token limit) decide in process, with no store round trip on the request path, and share
 * their counts with the other gateways on the database in the background (window-counters.ts: one
 * statement per sync interval). The rare ones (logins, registrations) ask the store at once: in
 * memory on the embedded database, the `rate_limits` table when a PostgreSQL server is shared by
 * several gateway processes (rate-limiter-flexible).
 */
export function createRateLimits(config: LimitsConfig["rate"], store: { pgPool: pg.Pool | null; logger: Logger }) {
  const limiter = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    store.pgPool
      ? new RateLimiterPostgres({
          storeClient: store.pgPool,
          storeType: "pool",
          tableName: "rate_limits",
          tableCreated: true,
          keyPrefix,
          points,
          duration,
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });

  const counters = new WindowCounters(
    store.pgPool ? { pool: store.pgPool, intervalMs: config.syncIntervalMs, logger: store.logger } : null,
  );
  const loginFailures = limiter("login-email", config.loginFailuresPerEmail, HOUR);
  const loginLockouts = limiter("login-lockouts", 1_000_000, 24 * HOUR);
  const loginFailuresByAddress = limiter("login-addr", config.loginFailuresPerAddressPerHour, HOUR);
  const registrations = limiter("register-addr", config.registrationsPerAddressPerHour, HOUR);
  const badTokens = (address: string | null) => ({
    key: `bad-token-addr:${addressKey(address)}`,
    limit: config.badTokensPerAddressPerMinute,
    windowMs: MINUTE * 1000,
  });

  const addressKey = (address: string | null) => address ?? "unknown";
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    enabled: config.enabled,

    /**
     * Spends `points` of the caller's tier (both windows, or neither); throws RateLimitedError when
     * either has no room. Decided in process: no store round trip.
     */
    consume(identity: string, tier: Tier, points: number): LimitState {
      if (!config.enabled) return { tier, limit: 0, remaining: 0, resetSeconds: 0 };
      const w: Window = config[tier];
      const { allowed, counts } = counters.take(
        [
          { key: `${tier}-m:${identity}`, limit: w.perMinute, windowMs: MINUTE * 1000 },
          { key: `${tier}-h:${identity}`, limit: w.perHour, windowMs: HOUR * 1000 },
        ],
        points,
      );
      const [m, h] = counts as [Count, Count];
      if (!allowed) {
        const [over, per] = m.count + points > m.limit ? [m, "minute"] : [h, "hour"];
        const retry = seconds(over.resetMs);
        rateLimitRejections.inc({ limit: tier });
        throw new RateLimitedError(`Rate limit exceeded: ${over.limit} ${tier} requests per ${per}.`, retry, {
          tier,
          limit: over.limit,
          remaining: Math.max(0, over.limit - over.count),
          resetSeconds: retry,
        });
      }
      const tight = h.limit - h.count < m.limit - m.count ? h : m;
      return { tier, limit: tight.limit, remaining: tight.limit - tight.count, resetSeconds: seconds(tight.resetMs) };
    },

    /**
     * Before checking a password: reserves the attempt as a failure of the email and of the address,
     * in one atomic step each (on PostgreSQL, for every gateway), and refuses it past either limit,
     * so that no more than the limit are ever checked, however many arrive at once. The caller then
     * says how the check ended: a success gives the reservation back (and clears the email's
     * failures), a failure keeps it, and the failure that reaches the limit locks the email, each
     * lockout twice as long.
     */
    async loginAttempt(email: string, address: string | null): Promise<LoginAttempt> {
      if (!config.enabled) return UNCOUNTED;
      const key = hashedKey(email.trim().toLowerCase());
      const from = addressKey(address);
      const [byEmail, byAddress] = await Promise.all([
        settle(loginFailures.consume(key)),
        settle(loginFailuresByAddress.consume(from)),
      ]);
      const giveBack = () =>
        Promise.all([
          byEmail.over ? null : loginFailures.reward(key, 1),
          byAddress.over ? null : loginFailuresByAddress.reward(from, 1),
        ]).then(() => undefined);
      if (byEmail.over || byAddress.over) {
        await giveBack(); // this attempt checks nothing
        const [limit, r, message] = byEmail.over
          ? (["login_email", byEmail, "Too many failed logins for this account: try again later."] as const)
          : (["login_address", byAddress, "Too many failed logins from this address: try again later."] as const);
        rateLimitRejections.inc({ limit });
        throw new RateLimitedError(message, seconds(r.res.msBeforeNext));
      }
      return {
        failed: async () => {
          if (byEmail.res.consumedPoints !== loginFailures.points) return;
          const lockouts = (await settle(loginLockouts.consume(key))).res.consumedPoints;
          await loginFailures.block(key, config.loginLockoutSeconds * 2 ** Math.min(lockouts - 1, 10));
        },
        succeeded: async () => {
          await Promise.all([loginFailures.delete(key), loginFailuresByAddress.reward(from, 1)]);
        },
        abandoned: giveBack,
      };
    },

    async registration(address: string | null): Promise<void> {
      if (!config.enabled) return;
      const r = await settle(registrations.consume(addressKey(address)));
      if (r.over) {
        rateLimitRejections.inc({ limit: "registration" });
        throw new RateLimitedError("Too many registrations from this address: try again later.", seconds(r.res.msBeforeNext));
      }
    },

    /** Before looking a token up: an address that presented too many bad tokens waits (decided in process). */
    beforeToken(address: string | null): void {
      if (!config.enabled) return;
      const r = counters.peek(badTokens(address));
      if (r.count >= r.limit) {
        rateLimitRejections.inc({ limit: "bad_token" });
        throw new RateLimitedError("Too many invalid API tokens from this address: try again later.", seconds(r.resetMs));
      }
    },

    badToken(address: string | null): void {
      if (!config.enabled) return;
      counters.record(badTokens(address), 1);
    },

    /** Shares this process's counts now (tests; the counters also sync on their own timer). */
    sync: () => counters.sync(),
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

const UNCOUNTED: LoginAttempt = { failed: async () => {}, succeeded: async () => {}, abandoned: async () => {} };

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit: make that a value. */
async function settle(p: Promise<RateLimiterRes>): Promise<{ res: RateLimiterRes; over: boolean }> {
  try {
    return { res: await p, over: false };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { res: err, over: true };
    throw err;
  }
}
