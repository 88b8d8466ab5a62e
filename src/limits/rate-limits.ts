import { createHash } from "node:crypto";
import type pg from "pg";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { LimitsConfig, Window } from "./limits-config.ts";
import { rateLimitRejections } from "../metrics/domain-metrics.ts";

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
 * Every rate limit of the gateway, on one store: in memory on the embedded database, in the
 * `rate_limits` table when a PostgreSQL server is shared by several gateway processes (so
 * they count together). Built on rate-limiter-flexible.
 */
export function createRateLimits(config: LimitsConfig["rate"], store: { pgPool: pg.Pool | null }) {
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

  const tiers = (name: Tier, w: Window) => ({
    minute: limiter(`${name}-m`, w.perMinute, MINUTE),
    hour: limiter(`${name}-h`, w.perHour, HOUR),
  });
  const byTier = {
    read: tiers("read", config.read),
    write: tiers("write", config.write),
    service: tiers("service", config.service),
  };
  const loginFailures = limiter("login-email", config.loginFailuresPerEmail, HOUR);
  const loginLockouts = limiter("login-lockouts", 1_000_000, 24 * HOUR);
  const loginFailuresByAddress = limiter("login-addr", config.loginFailuresPerAddressPerHour, HOUR);
  const registrations = limiter("register-addr", config.registrationsPerAddressPerHour, HOUR);
  const badTokens = limiter("bad-token-addr", config.badTokensPerAddressPerMinute, MINUTE);

  const addressKey = (address: string | null) => address ?? "unknown";
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

  return {
    enabled: config.enabled,

    /** Spends `points` of the caller's tier (both windows); throws RateLimitedError past either. */
    async consume(identity: string, tier: Tier, points: number): Promise<LimitState> {
      if (!config.enabled) return { tier, limit: 0, remaining: 0, resetSeconds: 0 };
      const { minute, hour } = byTier[tier];
      const [m, h] = await Promise.all([settle(minute.consume(identity, points)), settle(hour.consume(identity, points))]);
      const over = m.over ? { window: minute, r: m, per: "minute" } : h.over ? { window: hour, r: h, per: "hour" } : null;
      if (over) {
        const retry = seconds(over.r.res.msBeforeNext);
        rateLimitRejections.inc({ limit: tier });
        throw new RateLimitedError(`Rate limit exceeded: ${over.window.points} ${tier} requests per ${over.per}.`, retry, {
          tier,
          limit: over.window.points,
          remaining: 0,
          resetSeconds: retry,
        });
      }
      const tight = h.res.remainingPoints < m.res.remainingPoints ? { window: hour, r: h } : { window: minute, r: m };
      return {
        tier,
        limit: tight.window.points,
        remaining: tight.r.res.remainingPoints,
        resetSeconds: seconds(tight.r.res.msBeforeNext),
      };
    },

    /** Before checking a password: refuses a locked email or an address with too many failures. */
    async beforeLogin(email: string, address: string | null): Promise<void> {
      if (!config.enabled) return;
      const [byEmail, byAddress] = await Promise.all([
        loginFailures.get(hashedKey(email.trim().toLowerCase())),
        loginFailuresByAddress.get(addressKey(address)),
      ]);
      if (byEmail && byEmail.consumedPoints > loginFailures.points) {
        rateLimitRejections.inc({ limit: "login_email" });
        throw new RateLimitedError("Too many failed logins for this account: try again later.", seconds(byEmail.msBeforeNext));
      }
      if (byAddress && byAddress.consumedPoints >= loginFailuresByAddress.points) {
        rateLimitRejections.inc({ limit: "login_address" });
        throw new RateLimitedError("Too many failed logins from this address: try again later.", seconds(byAddress.msBeforeNext));
      }
    },

    /** After a wrong password: counts it; the Nth failure locks the email, each lockout twice as long. */
    async loginFailed(email: string, address: string | null): Promise<void> {
      if (!config.enabled) return;
      const key = hashedKey(email.trim().toLowerCase());
      const [failures] = await Promise.all([
        settle(loginFailures.consume(key)),
        settle(loginFailuresByAddress.consume(addressKey(address))),
      ]);
      if (failures.res.consumedPoints >= loginFailures.points) {
        const lockouts = (await settle(loginLockouts.consume(key))).res.consumedPoints;
        await loginFailures.block(key, config.loginLockoutSeconds * 2 ** Math.min(lockouts - 1, 10));
      }
    },

    async loginSucceeded(email: string): Promise<void> {
      if (!config.enabled) return;
      await loginFailures.delete(hashedKey(email.trim().toLowerCase()));
    },

    async registration(address: string | null): Promise<void> {
      if (!config.enabled) return;
      const r = await settle(registrations.consume(addressKey(address)));
      if (r.over) {
        rateLimitRejections.inc({ limit: "registration" });
        throw new RateLimitedError("Too many registrations from this address: try again later.", seconds(r.res.msBeforeNext));
      }
    },

    /** Before looking a token up: an address that presented too many bad tokens waits. */
    async beforeToken(address: string | null): Promise<void> {
      if (!config.enabled) return;
      const r = await badTokens.get(addressKey(address));
      if (r && r.consumedPoints >= badTokens.points) {
        rateLimitRejections.inc({ limit: "bad_token" });
        throw new RateLimitedError("Too many invalid API tokens from this address: try again later.", seconds(r.msBeforeNext));
      }
    },

    async badToken(address: string | null): Promise<void> {
      if (!config.enabled) return;
      await settle(badTokens.consume(addressKey(address)));
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit: make that a value. */
async function settle(p: Promise<RateLimiterRes>): Promise<{ res: RateLimiterRes; over: boolean }> {
  try {
    return { res: await p, over: false };
  } catch (err) {
    if (err instanceof RateLimiterRes) return { res: err, over: true };
    throw err;
  }
}
