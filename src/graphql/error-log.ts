import { GraphQLError } from "graphql";
import { unavailableReason } from "../db/unavailable.ts";
import { RateLimitedError } from "../limits/rate-limits.ts";
import type { Logger } from "../logger.ts";
import { DomainError } from "../modules/errors.ts";

/**
 * Yoga logs every error its masking replaced. A client's mistake is not the server's: domain
 * errors and rate limits go to debug, a busy or unreachable database to warn (no stack), and
 * only the rest (bugs) to error with its stack. The request id comes from the logger.
 */
export function logMaskedErrors(logger: Logger, args: unknown[]): void {
  for (const arg of args) {
    const original = arg instanceof GraphQLError && arg.originalError ? arg.originalError : arg;
    if (original instanceof DomainError || original instanceof RateLimitedError || original instanceof GraphQLError) {
      logger.debug({ code: (original as { code?: string }).code, message: original.message }, "client error");
      continue;
    }
    const unavailable = unavailableReason(original);
    if (unavailable) {
      logger.warn({ code: unavailable.code, reason: (original as Error).message }, "database busy or unavailable");
      continue;
    }
    const err = original instanceof Error ? { message: original.message, stack: original.stack } : original;
    logger.error({ err }, "unexpected error");
  }
}
