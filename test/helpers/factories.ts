import { randomUUID } from "node:crypto";
import type { Database } from "../../src/db/database.ts";
import type { TokenRole } from "../../src/generated/prisma/enums.ts";
import { createAccount } from "../../src/modules/accounts/account.service.ts";
import { issueToken } from "../../src/modules/accounts/token.service.ts";

export const uniqueEmail = (prefix = "creator") => `${prefix}-${randomUUID().slice(0, 13)}@test.example`;

/** A new creator account with its wallet and a token; every test makes its own. */
export async function createCreator(
  db: Database,
  options: { currency?: string; name?: string; role?: TokenRole; masterId?: number; service?: boolean } = {},
) {
  const account = await createAccount(db.prisma, {
    email: uniqueEmail(options.service ? "service" : "creator"),
    displayName: options.name ?? "Test Creator",
    currency: options.currency ?? "USD",
    role: options.service ? "SERVICE" : "CREATOR",
    ...(options.masterId ? { masterId: options.masterId } : {}),
  });
  const token = await issueToken(db.prisma, { accountId: account.id, ...(options.role ? { role: options.role } : {}) });
  return { ...account, token: token.token, tokenId: token.id };
}
