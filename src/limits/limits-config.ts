/**
 * Every abuse limit in one place, with the defaults a production gateway starts with. The
 * environment can change each (src/config.ts names the variables); tests pass their own.
 */
export type Window = { perMinute: number; perHour: number };

export type LimitsConfig = {
  /** Largest request body accepted on any path (bytes). */
  bodyLimitBytes: number;
  /** Longest string accepted in any GraphQL argument or variable (characters). */
  maxStringLength: number;
  graphql: {
    maxDepth: number;
    maxAliases: number;
    /** Each field costs 1, times the `first`/`last`/`perPage` of every list above it. */
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    /** Who may introspect the schema (and see "Did you mean" suggestions). */
    introspection: "on" | "authenticated" | "off";
    /** Registered documents by `documentId`: off, on (beside any document), only (nothing else runs). */
    trustedDocuments: "off" | "on" | "only";
  };
  rate: {
    enabled: boolean;
    /** Per token (per client address without one): queries and REST GETs. */
    read: Window;
    /** Per token (per client address without one): mutations and REST POST/DELETE. */
    write: Window;
    /** SERVICE tokens: platform services record sales in bulk. */
    service: Window;
    /** Failed logins before an email is locked; each further lockout doubles. */
    loginFailuresPerEmail: number;
    loginLockoutSeconds: number;
    /** Failed logins per client address per hour, whatever the email. */
    loginFailuresPerAddressPerHour: number;
    registrationsPerAddressPerHour: number;
    /** Invalid, expired or revoked tokens presented per client address per minute. */
    badTokensPerAddressPerMinute: number;
    /**
     * How often a gateway shares its per-request counts (tiers, bad tokens) with the others on a
     * PostgreSQL database: a limit may overshoot by what the other gateways admit within one interval.
     */
    syncIntervalMs: number;
  };
  /** Read the client address from the left of X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
  /** Origins allowed to call from a browser (exact match); empty: no CORS headers at all. */
  corsOrigins: string[];
  /** Live event streams (GraphQL subscriptions over SSE). */
  subscriptions: SubscriptionLimits;
};

export type SubscriptionLimits = {
  /** Open streams per token, across every gateway on the database. */
  perToken: number;
  /** Open streams in this process. */
  perProcess: number;
  /**
   * Events a client may fall behind by for up to slowConsumerMs (bursts), and never by ten
   * times as many: past either it is dropped rather than buffered for.
   */
  queueEvents: number;
  slowConsumerMs: number;
  /** Most entries per wallet a resume may replay; an older resume point is refused. */
  replayMax: number;
  /**
   * How often a gateway with open streams looks at its followed wallets' newest entries itself:
   * the longest an event waits when its writer died between commit and notice.
   */
  catchUpMs: number;
  /**
   * On a PostgreSQL server, how long a gateway's stream leases count after its last renewal (it
   * renews every third of it): how long a killed gateway's streams still count against their tokens' caps.
   */
  leaseTtlMs: number;
};

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  perToken: 5,
  perProcess: 2_000,
  queueEvents: 500,
  slowConsumerMs: 5_000,
  replayMax: 1_000,
  catchUpMs: 1_000,
  leaseTtlMs: 15_000,
};

export const DEFAULT_LIMITS: LimitsConfig = {
  bodyLimitBytes: 1024 * 1024,
  maxStringLength: 2000,
  graphql: {
    maxDepth: 12,
    maxAliases: 15,
    maxCost: 20_000,
    maxTokens: 2_000,
    maxDirectives: 10,
    introspection: "authenticated",
    trustedDocuments: "on",
  },
  rate: {
    enabled: true,
    read: { perMinute: 60, perHour: 1000 },
    write: { perMinute: 20, perHour: 100 },
    service: { perMinute: 1200, perHour: 50_000 },
    loginFailuresPerEmail: 5,
    loginLockoutSeconds: 60,
    loginFailuresPerAddressPerHour: 100,
    registrationsPerAddressPerHour: 10,
    badTokensPerAddressPerMinute: 30,
    syncIntervalMs: 1_000,
  },
  trustProxy: false,
  corsOrigins: [],
  subscriptions: DEFAULT_SUBSCRIPTION_LIMITS,
};
