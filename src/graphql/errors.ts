import {
  AmountLimitError,
  ConflictError,
  CurrencyMismatchError,
  EmailTakenError,
  InvalidCredentialsError,
  InviteNotFoundError,
  DomainError,
  ForbiddenError,
  IdempotencyConflictError,
  InsufficientFundsError,
  InvalidCursorError,
  NoAvailableFundsError,
  NotFoundError,
  ValidationError,
} from "../modules/errors.ts";
import { builder } from "./builder.ts";

/** Every error a client can branch on implements `Error` (message + stable code). */
export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "A failure the client can handle; `code` is stable, `message` is for people.",
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.exposeString("code"),
  }),
});

builder.objectType(DomainError, {
  name: "BaseError",
  description: "A domain failure without a more specific type.",
  interfaces: [ErrorInterface],
  // Only errors thrown as the base class itself; every subclass has its own type below.
  isTypeOf: (value) => value instanceof DomainError && Object.getPrototypeOf(value) === DomainError.prototype,
});

const FieldError = builder.objectRef<{ field: string; message: string }>("FieldError").implement({
  description: "One invalid input field.",
  fields: (t) => ({ field: t.exposeString("field"), message: t.exposeString("message") }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ fields: t.field({ type: [FieldError], resolve: (e) => e.problems }) }),
});

/** An error type that adds nothing to `Error` but its name. */
function plainErrorType(cls: new (message: string) => DomainError, name: string) {
  builder.objectType(cls, { name, interfaces: [ErrorInterface], isTypeOf: (value) => value instanceof cls });
}

plainErrorType(NotFoundError, "NotFoundError");
plainErrorType(ConflictError, "ConflictError");
plainErrorType(ForbiddenError, "ForbiddenError");
plainErrorType(InviteNotFoundError, "InviteNotFoundError");
plainErrorType(InvalidCredentialsError, "InvalidCredentialsError");

builder.objectType(EmailTakenError, {
  name: "EmailTakenError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof EmailTakenError,
  fields: (t) => ({ email: t.exposeString("email") }),
});

builder.objectType(CurrencyMismatchError, {
  name: "CurrencyMismatchError",
  description: "A referred creator must use the inviter's currency.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CurrencyMismatchError,
  fields: (t) => ({ inviterCurrency: t.exposeString("inviterCurrency"), currency: t.exposeString("currency") }),
});

builder.objectType(InsufficientFundsError, {
  name: "InsufficientFundsError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InsufficientFundsError,
  fields: (t) => ({
    bucket: t.exposeString("bucket"),
    current: t.field({ type: "SafeInt", resolve: (e) => Number(e.current) }),
    required: t.field({ type: "SafeInt", resolve: (e) => Number(e.required) }),
  }),
});

builder.objectType(AmountLimitError, {
  name: "AmountLimitError",
  description: "MOVEMENT: one amount above the maximum; BALANCE: a bucket would exceed its maximum. Nothing was written.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AmountLimitError,
  fields: (t) => ({
    what: t.exposeString("what"),
    limit: t.field({ type: "SafeInt", description: "The maximum, in minor units.", resolve: (e) => e.limit }),
  }),
});

builder.objectType(NoAvailableFundsError, {
  name: "NoAvailableFundsError",
  description: "Nothing is available to cash out.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NoAvailableFundsError,
});

builder.objectType(IdempotencyConflictError, {
  name: "IdempotencyConflictError",
  description: "KEY_REUSED: the key was used with a different request. IN_PROGRESS: the first request is still running.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyConflictError,
  fields: (t) => ({ reason: t.exposeString("reason") }),
});

builder.objectType(InvalidCursorError, {
  name: "InvalidCursorError",
  description: "A cursor that was tampered with, or issued for another order or filter: restart pagination.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidCursorError,
  fields: (t) => ({ reason: t.exposeString("reason"), argument: t.exposeString("argument") }),
});
