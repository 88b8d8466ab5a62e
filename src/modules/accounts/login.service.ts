import { z } from "zod";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { DomainError, InvalidCredentialsError, ValidationError } from "../errors.ts";
import { parseInput } from "./account.service.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password.ts";
import { type IssuedToken, issueToken } from "./token.service.ts";

const Credentials = z.object({
  email: z.string().trim().min(1, "is required").max(254),
  password: z.string().min(1, "is required").max(200),
});
export type Credentials = z.input<typeof Credentials>;
export type LoggedIn = { accountId: number; token: IssuedToken };

export const MAX_BATCH_LOGINS = 10;

/**
 * Brute-force protection around every password check (src/limits: per email and per address): an
 * attempt is reserved before the check (or refused, 429) and told how the check ended.
 */
export type CredentialThrottle = { attempt(email: string): Promise<LoginAttempt> };

/** A password check that holds a reserved attempt: how it ended decides whether it counts. */
export type LoginAttempt = {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  /** Neither (the check could not run): the reservation is given back. */
  abandoned(): Promise<void>;
};

const UNTHROTTLED: CredentialThrottle = {
  attempt: async () => ({ failed: async () => {}, succeeded: async () => {}, abandoned: async () => {} }),
};

/**
 * Email + password -> a new token. An unknown email and a wrong password fail the same way,
 * after the same amount of work (a dummy hash is verified), so neither reveals which it was.
 */
export async function login(prisma: PrismaClient, raw: Credentials, throttle = UNTHROTTLED): Promise<LoggedIn> {
  const input = parseInput(Credentials, raw);
  const accountId = await verifyCredentials(prisma, input.email, input.password, throttle);
  return { accountId, token: await issueToken(prisma, { accountId, name: "login" }) };
}

/** The creator account these credentials open, or InvalidCredentialsError (same work either way). */
export async function verifyCredentials(
  prisma: Pick<PrismaClient, "account">,
  email: string,
  password: string,
  throttle = UNTHROTTLED,
): Promise<number> {
  const attempt = await throttle.attempt(email);
  let account: { id: number; passwordHash: string | null; role: string } | null;
  let ok: boolean;
  try {
    account = await prisma.account.findUnique({
      where: { email: email.trim().toLowerCase() },
      select: { id: true, passwordHash: true, role: true },
    });
    ok = await verifyPassword(password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  } catch (err) {
    await attempt.abandoned(); // nothing was checked: the attempt does not count
    throw err;
  }
  if (!account || !account.passwordHash || !ok || account.role !== "CREATOR") {
    await attempt.failed();
    throw new InvalidCredentialsError();
  }
  await attempt.succeeded();
  return account.id;
}

export type BatchRow = { email: string } & ({ ok: true; result: LoggedIn } | { ok: false; error: DomainError });

/** Up to 10 logins in one request, each succeeding or failing on its own. */
export async function loginBatch(prisma: PrismaClient, rows: Credentials[], throttle = UNTHROTTLED): Promise<BatchRow[]> {
  if (!Array.isArray(rows) || rows.length === 0) throw ValidationError.field("accounts", "must list at least one account");
  if (rows.length > MAX_BATCH_LOGINS) throw ValidationError.field("accounts", `must list at most ${MAX_BATCH_LOGINS} accounts`);
  const results: BatchRow[] = [];
  for (const row of rows) {
    try {
      results.push({ email: String(row?.email ?? ""), ok: true, result: await login(prisma, row, throttle) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ email: String(row?.email ?? ""), ok: false, error: err });
    }
  }
  return results;
}
