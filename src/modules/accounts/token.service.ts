import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/database.ts";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.ts";
import type { TokenRole } from "../../generated/prisma/enums.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { deniedMessage, may } from "./permissions.ts";

/** Tokens look like `wgw_<43 base64url chars>`: 256 random bits, shown once. */
const TOKEN_PREFIX = "wgw_";

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export type IssuedToken = { id: number; token: string; role: TokenRole };

const CREATOR_TOKEN_ROLES: TokenRole[] = ["OWNER", "ADMIN", "MEMBER", "VIEWER"];

export async function issueToken(
  prisma: Pick<PrismaClient, "account" | "apiToken">,
  input: { accountId: number; role?: TokenRole; name?: string; issuedById?: number },
): Promise<IssuedToken> {
  const account = await prisma.account.findUnique({ where: { id: input.accountId }, select: { role: true } });
  if (!account) throw new NotFoundError(`Account ${input.accountId} does not exist`);
  const role = input.role ?? (account.role === "SERVICE" ? "SERVICE" : "OWNER");
  const allowed = account.role === "SERVICE" ? ["SERVICE"] : CREATOR_TOKEN_ROLES;
  if (!allowed.includes(role)) {
    throw ValidationError.field(
      "role",
      `a ${account.role.toLowerCase()} account can hold ${allowed.join(", ")} tokens, not ${role}`,
    );
  }
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const row = await prisma.apiToken.create({
    data: {
      accountId: input.accountId,
      role,
      name: input.name ?? null,
      issuedById: input.issuedById ?? null,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
    },
  });
  return { id: row.id, token, role };
}

export async function revokeToken(prisma: Pick<PrismaClient, "apiToken">, tokenId: number): Promise<{ alreadyRevoked: boolean }> {
  const row = await prisma.apiToken.findUnique({ where: { id: tokenId } });
  if (!row) throw new NotFoundError(`Token ${tokenId} does not exist`);
  if (row.revokedAt) return { alreadyRevoked: true };
  await prisma.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
  return { alreadyRevoked: false };
}

/**
 * The revocation rule: a token may always revoke itself; revoking another token of the same
 * account takes the tokens.revokeAny capability; another account's token answers like a missing one.
 */
export async function revokeAccountToken(
  prisma: Pick<PrismaClient, "apiToken">,
  by: { accountId: number; tokenId: number; role: TokenRole },
  tokenId: number,
): Promise<{ alreadyRevoked: boolean }> {
  const owned = await prisma.apiToken.findFirst({ where: { id: tokenId, accountId: by.accountId }, select: { id: true } });
  if (!owned) throw new NotFoundError(`Token ${tokenId} does not exist`);
  if (tokenId !== by.tokenId && !may(by.role, "tokens.revokeAny"))
    throw new ForbiddenError(deniedMessage(by.role, "tokens.revokeAny"));
  return revokeToken(prisma, tokenId);
}

export type TokenCheck =
  { ok: true; tokenId: number; role: TokenRole; accountId: number } | { ok: false; reason: "invalid" | "revoked" | "expired" };

/** What a token's row says about it, as the check needs it. */
export type TokenRow = { id: number; role: TokenRole; accountId: number; revokedAt: Date | null; expiresAt: Date | null };

/** A token's row by the hash of the presented token, or null (the hot path: straight through the driver). */
export async function tokenRowByHash(db: Pick<Database, "query">, tokenHash: string): Promise<TokenRow | null> {
  const [row] = await db.query<TokenRow>(Prisma.sql`
    SELECT id, role::text AS role, account_id AS "accountId", revoked_at AS "revokedAt", expires_at AS "expiresAt"
    FROM api_tokens WHERE token_hash = ${tokenHash}`);
  return row ?? null;
}

/** A token's row by its id (a stream ticket names its token by id), or null. */
export async function tokenRowById(db: Pick<Database, "query">, tokenId: number): Promise<TokenRow | null> {
  const [row] = await db.query<TokenRow>(Prisma.sql`
    SELECT id, role::text AS role, account_id AS "accountId", revoked_at AS "revokedAt", expires_at AS "expiresAt"
    FROM api_tokens WHERE id = ${tokenId}`);
  return row ?? null;
}

/** Whether a presented token is well formed enough to be looked up at all. */
export const plausibleToken = (token: string): boolean => token.startsWith(TOKEN_PREFIX) && token.length <= 100;

/** The verdict on a token's row (null: no such token), at this instant. */
export function judgeToken(row: TokenRow | null): TokenCheck {
  if (!row) return { ok: false, reason: "invalid" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt <= new Date()) return { ok: false, reason: "expired" };
  return { ok: true, tokenId: row.id, role: row.role, accountId: row.accountId };
}

/** Looks a presented token up by its hash; the raw token is never stored or logged. */
export async function checkToken(prisma: Pick<PrismaClient, "apiToken">, token: string): Promise<TokenCheck> {
  if (!plausibleToken(token)) return { ok: false, reason: "invalid" };
  return judgeToken(
    await prisma.apiToken.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { id: true, role: true, accountId: true, revokedAt: true, expiresAt: true },
    }),
  );
}
