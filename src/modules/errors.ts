/**
 * The domain's error family. Services throw these; the GraphQL layer exposes each as a
 * typed error result, the REST layer maps them to status codes, the CLI prints them.
 * Anything else that escapes is unexpected and is masked.
 */
export class DomainError extends Error {
  readonly code: string = "DOMAIN_ERROR";
}

export type FieldProblem = { field: string; message: string };

export class ValidationError extends DomainError {
  override name = "ValidationError";
  override readonly code = "VALIDATION_FAILED";
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join("; "));
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  override readonly code = "NOT_FOUND";
}

export class ConflictError extends DomainError {
  override name = "ConflictError";
  override readonly code = "CONFLICT";
}

export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  override readonly code = "FORBIDDEN";
}

export class InsufficientFundsError extends DomainError {
  override name = "InsufficientFundsError";
  override readonly code = "INSUFFICIENT_FUNDS";
  constructor(
    readonly bucket: string,
    readonly current: bigint,
    readonly required: bigint,
    readonly currencyId: number,
  ) {
    super(`Insufficient funds in ${bucket.toLowerCase()}: ${current} available, ${required} required`);
  }
}

/** An amount, or the balance it would leave, above the configured maximum: nothing was written. */
export class AmountLimitError extends DomainError {
  override name = "AmountLimitError";
  override readonly code = "AMOUNT_LIMIT_EXCEEDED";
  constructor(
    readonly what: "MOVEMENT" | "BALANCE",
    readonly limit: number,
    readonly currencyId: number,
  ) {
    super(
      what === "MOVEMENT"
        ? `An amount may be at most ${limit} minor units`
        : `This would take a balance above its maximum of ${limit} minor units`,
    );
  }
}

export class NoAvailableFundsError extends DomainError {
  override name = "NoAvailableFundsError";
  override readonly code = "NO_AVAILABLE_FUNDS";
  constructor() {
    super("No available funds");
  }
}

/**
 * KEY_REUSED: the key was used before with a different request (nothing was written). A key
 * whose first request still runs is not a client's error but contention: RequestInProgressError
 * (db/unavailable.ts), 409 with Retry-After on every surface.
 */
export class IdempotencyConflictError extends DomainError {
  override name = "IdempotencyConflictError";
  override readonly code = "IDEMPOTENCY_CONFLICT";
  constructor(readonly reason: "KEY_REUSED") {
    super("This idempotency key was already used with a different request");
  }
}

/**
 * One item of a batch whose wallet stayed busy past the wait (nothing was written for it; the
 * other items were): retry it after `retryAfterSeconds`. A single request answers the same
 * contention with HTTP 409 and Retry-After instead.
 */
export class BusyError extends DomainError {
  override name = "BusyError";
  override readonly code = "BUSY";
  constructor(readonly retryAfterSeconds: number) {
    super("This wallet is busy with another request: retry shortly.");
  }
}

/** A pagination cursor that was tampered with, or issued for another order or filter. */
export class InvalidCursorError extends DomainError {
  override name = "InvalidCursorError";
  override readonly code = "INVALID_CURSOR";
  constructor(
    readonly reason: "MALFORMED" | "ORDER_MISMATCH" | "FILTER_MISMATCH",
    readonly argument: "after" | "before",
  ) {
    super(
      reason === "MALFORMED"
        ? `The ${argument} cursor is not valid`
        : reason === "ORDER_MISMATCH"
          ? `The ${argument} cursor was issued for the other sort order: restart pagination`
          : `The ${argument} cursor was issued for different filters: restart pagination`,
    );
  }
}

export class EmailTakenError extends DomainError {
  override name = "EmailTakenError";
  override readonly code = "EMAIL_TAKEN";
  constructor(readonly email: string) {
    super(`An account with email ${email} already exists`);
  }
}

/** The invite code or master_id given at registration names no inviter. */
export class InviteNotFoundError extends DomainError {
  override name = "InviteNotFoundError";
  override readonly code = "INVITE_NOT_FOUND";
}

export class CurrencyMismatchError extends DomainError {
  override name = "CurrencyMismatchError";
  override readonly code = "CURRENCY_MISMATCH";
  constructor(
    readonly inviterCurrency: string,
    readonly currency: string,
  ) {
    super(
      `The inviter's wallet is in ${inviterCurrency}; an account registered with this invitation must use ${inviterCurrency}, not ${currency}`,
    );
  }
}

/** Wrong email or password: deliberately the same answer for both. */
export class InvalidCredentialsError extends DomainError {
  override name = "InvalidCredentialsError";
  override readonly code = "INVALID_CREDENTIALS";
  constructor() {
    super("Invalid email or password");
  }
}
