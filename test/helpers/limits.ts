import { randomInt } from "node:crypto";
import { DEFAULT_LIMITS, type LimitsConfig } from "../../src/limits/limits-config.ts";

/** The production limits with some rate figures changed; the client address comes from X-Forwarded-For. */
export function limitsWith(rate: Partial<LimitsConfig["rate"]> = {}, rest: Partial<LimitsConfig> = {}): LimitsConfig {
  return { ...DEFAULT_LIMITS, trustProxy: true, ...rest, rate: { ...DEFAULT_LIMITS.rate, ...rate } };
}

/** A client address of its own per test (limits are per address, and files share one PostgreSQL). */
export const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** What no response may ever carry: a stack frame, a source path, SQL. */
export const LEAKS = /\bat .+\(.+:\d+:\d+\)|\/work\/|node_modules|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|Prisma|PrismaClient/;
