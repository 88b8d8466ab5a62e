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
  ) {
    super(`Insufficient funds in ${bucket.toLowerCase()}: ${current} available, ${required} required`);
  }
}
