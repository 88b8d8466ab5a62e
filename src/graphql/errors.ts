import {
  AmountLimitError,
  BusyError,
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
import { BucketEnum } from "../modules/ledger/ledger.graphql.ts";
import { money, MoneyType } from "../modules/money/money.graphql.ts";
import { builder } from "./builder.ts";

const AmountLimitKindEnum = builder.enumType("AmountLimitKind", {
  description: "Which maximum an amount exceeded.",
  values: {
    MOVEMENT: { description: "A single amount above the maximum per movement." },
    BALANCE: { description: "A bucket (or the referral revenue) would exceed its maximum balance." },
  } as const,
});

const IdempotencyConflictReasonEnum = builder.enumType("IdempotencyConflictReason", {
  description: "Why an idempotency key was refused.",
  values: {
    KEY_REUSED: { description: "The key was used before with a different request: nothing was written." },
    IN_PROGRESS: {
      description: "The first request with this key is still running: retry later.",
      deprecationReason:
        "No longer answered as a typed error: a request whose key is still in flight answers HTTP 409 with Retry-After (extensions.code IN_PROGRESS), and its retry replays the first outcome.",
    },
  } as const,
});

const InvalidCursorReasonEnum = builder.enumType("InvalidCursorReason", {
  description: "Why a cursor was refused.",
  values: {
    MALFORMED: { description: "Not a cursor this server issued (or tampered with)." },
    ORDER_MISMATCH: { description: "Issued for the other sort order." },
    FILTER_MISMATCH: { description: "Issued for other filters (or another wallet)." },
  } as const,
});

const CursorArgumentEnum = builder.enumType("CursorArgument", {
  description: "The pagination argument that carried a cursor.",
  values: {
    AFTER: { value: "after", description: "The `after` argument." },
    BEFORE: { value: "before", description: "The `before` argument." },
  } as const,
});

/** Every error a client can branch on implements `Error` (message + stable code). */
export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "A failure the client can handle; `code` is stable, `message` is for people.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "For people: what went wrong and, where it helps, what to do." }),
    code: t.exposeString("code", { description: "Stable and machine-readable (e.g. NO_AVAILABLE_FUNDS): branch on this." }),
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
  fields: (t) => ({
    field: t.exposeString("field", { description: "The input field (dotted path for nested ones)." }),
    message: t.exposeString("message", { description: "What is wrong with it." }),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "Invalid input; `fields` names each problem.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    fields: t.field({
      type: [FieldError],
      description: "Each invalid field and what is wrong with it.",
      resolve: (e) => e.problems,
    }),
  }),
});

/** An error type that adds nothing to `Error` but its name. */
function plainErrorType(cls: new (message: string) => DomainError, name: string, description: string) {
  builder.objectType(cls, { name, description, interfaces: [ErrorInterface], isTypeOf: (value) => value instanceof cls });
}

plainErrorType(NotFoundError, "NotFoundError", "The object does not exist, or is not the caller's (the two answer alike).");
plainErrorType(ConflictError, "ConflictError", "The request conflicts with the object's current state.");
plainErrorType(
  ForbiddenError,
  "ForbiddenError",
  "The token's role may not do this (docs/permissions.md), or the account's place in its group forbids it.",
);
plainErrorType(InviteNotFoundError, "InviteNotFoundError", "The invite code or referrer id names no inviter.");
plainErrorType(
  InvalidCredentialsError,
  "InvalidCredentialsError",
  "Wrong email or password (deliberately the same answer for both), or a token that proves nothing.",
);

builder.objectType(EmailTakenError, {
  name: "EmailTakenError",
  description: "An account with this email already exists.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof EmailTakenError,
  fields: (t) => ({ email: t.exposeString("email", { description: "The email that is taken." }) }),
});

builder.objectType(CurrencyMismatchError, {
  name: "CurrencyMismatchError",
  description: "A referred creator must use the inviter's currency.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof CurrencyMismatchError,
  fields: (t) => ({
    inviterCurrency: t.exposeString("inviterCurrency", {
      description: "The inviter's currency, which a referred creator must use.",
    }),
    currency: t.exposeString("currency", { description: "The currency asked for." }),
  }),
});

builder.objectType(InsufficientFundsError, {
  name: "InsufficientFundsError",
  description: "The movement would take a bucket below zero: nothing was written.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InsufficientFundsError,
  fields: (t) => ({
    bucket: t.field({
      type: BucketEnum,
      description: "The bucket that would have gone below zero.",
      resolve: (e) => e.bucket as "AVAILABLE",
    }),
    current: t.field({ description: "The bucket's balance.", type: MoneyType, resolve: (e) => money(e.current, e.currencyId) }),
    required: t.field({
      description: "What the movement needed.",
      type: MoneyType,
      resolve: (e) => money(e.required, e.currencyId),
    }),
  }),
});

builder.objectType(AmountLimitError, {
  name: "AmountLimitError",
  description: "MOVEMENT: one amount above the maximum; BALANCE: a bucket would exceed its maximum. Nothing was written.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AmountLimitError,
  fields: (t) => ({
    what: t.expose("what", { type: AmountLimitKindEnum, description: "Which maximum was exceeded." }),
    limit: t.field({
      type: MoneyType,
      description: "The maximum, in the wallet's currency.",
      resolve: (e) => money(e.limit, e.currencyId),
    }),
  }),
});

builder.objectType(BusyError, {
  name: "BusyError",
  description: "An item of a batch whose wallet stayed busy past the wait: nothing was written for it; retry it.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof BusyError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { description: "Seconds to wait before retrying it." }),
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
  description:
    "KEY_REUSED: the key was used with a different request (nothing was written). A key whose first request is still running answers HTTP 409 with Retry-After instead.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof IdempotencyConflictError,
  fields: (t) => ({
    reason: t.expose("reason", { type: IdempotencyConflictReasonEnum, description: "Why the key was refused." }),
  }),
});

builder.objectType(InvalidCursorError, {
  name: "InvalidCursorError",
  description: "A cursor that was tampered with, or issued for another order or filter: restart pagination.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidCursorError,
  fields: (t) => ({
    reason: t.expose("reason", { type: InvalidCursorReasonEnum, description: "Why the cursor was refused." }),
    argument: t.expose("argument", { type: CursorArgumentEnum, description: "Which argument carried it." }),
  }),
});
