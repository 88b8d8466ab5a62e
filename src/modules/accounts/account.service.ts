import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { AccountRole } from "../../generated/prisma/enums.ts";
import { EmailTakenError, NotFoundError, ValidationError } from "../errors.ts";
import { violatesUnique } from "../../db/unique-violation.ts";
import { linkChild } from "./account-group.service.ts";

const CreateAccountInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((e) => e.toLowerCase()),
  displayName: z.string().trim().min(1).max(120),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
    .transform((c) => c.toUpperCase()),
  role: z.enum(["CREATOR", "SERVICE"]).default("CREATOR"),
  passwordHash: z.string().optional(),
  logoUrl: z.url().optional(),
  masterId: z.number().int().positive().optional(),
});
export type CreateAccountInput = z.input<typeof CreateAccountInput>;

export type CreatedAccount = { id: number; email: string; slug: string; walletId: number; role: AccountRole; currency: string };

/** Creates an account with its wallet (and, with masterId, its link to a master), atomically. */
export async function createAccount(prisma: PrismaClient, raw: CreateAccountInput): Promise<CreatedAccount> {
  return prisma.$transaction((tx) => createAccountIn(tx, raw));
}

/** The same inside the caller's transaction (registration adds a referral and a token to it). */
export async function createAccountIn(tx: Prisma.TransactionClient, raw: CreateAccountInput): Promise<CreatedAccount> {
  const input = parseInput(CreateAccountInput, raw);
  const currency = await tx.currency.findUnique({ where: { code: input.currency } });
  if (!currency) throw ValidationError.field("currency", `unknown currency ${input.currency}`);
  if (await tx.account.findUnique({ where: { email: input.email }, select: { id: true } }))
    throw new EmailTakenError(input.email);
  const account = await insertAccount(tx, input.displayName, {
    email: input.email,
    displayName: input.displayName,
    role: input.role,
    passwordHash: input.passwordHash ?? null,
    logoUrl: input.logoUrl ?? null,
    currencyId: currency.id,
    wallet: { create: { currencyId: currency.id } },
    dashboardRollup: { create: {} },
  });
  if (input.masterId !== undefined) await linkChild(tx, { masterId: input.masterId, childId: account.id });
  return {
    id: account.id,
    email: account.email,
    slug: account.slug,
    walletId: account.wallet!.id,
    role: account.role,
    currency: currency.code,
  };
}

export async function getAccount(prisma: Pick<PrismaClient, "account">, id: number) {
  const account = await prisma.account.findUnique({ where: { id } });
  if (!account) throw new NotFoundError(`Account ${id} does not exist`);
  return account;
}

const SLUG_ATTEMPTS = 5;

/**
 * Inserts the account under a savepoint, so that a unique violation leaves the caller's
 * transaction usable. The slug is the display name's, or with a random suffix once that is
 * held; an email that a concurrent sign-up committed first is EmailTakenError, not a 500.
 */
async function insertAccount(
  tx: Prisma.TransactionClient,
  displayName: string,
  data: Omit<Prisma.AccountUncheckedCreateInput, "slug">,
) {
  const base = slugBase(displayName);
  for (let attempt = 1; ; attempt++) {
    const slug = attempt === 1 ? base : `${base}-${randomBytes(4).toString("hex")}`;
    await tx.$executeRawUnsafe("SAVEPOINT account_insert");
    try {
      const account = await tx.account.create({ data: { ...data, slug }, include: { wallet: { select: { id: true } } } });
      await tx.$executeRawUnsafe("RELEASE SAVEPOINT account_insert");
      return account;
    } catch (err) {
      const emailTaken = violatesUnique(err, "accounts", "email");
      if (!emailTaken && !violatesUnique(err, "accounts", "slug")) throw err;
      await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT account_insert");
      if (emailTaken) throw new EmailTakenError(data.email);
      if (attempt === SLUG_ATTEMPTS) throw err;
    }
  }
}

function slugBase(displayName: string): string {
  const base = displayName
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "creator";
}

/** Validates with zod and turns its issues into our ValidationError, field by field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join(".") || "input", message: i.message })));
}

export type TransactionClient = Prisma.TransactionClient;
