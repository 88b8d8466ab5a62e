import type { PrismaClient } from "../../generated/prisma/client.ts";
import { InvalidCredentialsError, NotFoundError, ValidationError } from "../errors.ts";
import { linkChild } from "./account-group.service.ts";
import { type CredentialThrottle, verifyCredentials } from "./login.service.ts";
import { PROOF_OF_CONTROL_ROLES } from "./permissions.ts";
import { checkToken, type IssuedToken, issueToken } from "./token.service.ts";

/** How a master proves it controls the account it links: the child's credentials or a token of it. */
export type ChildProof = { email?: string | null; password?: string | null; token?: string | null };

/** Links the proven account as a child of masterId (at most 10; the rules live in linkChild). */
export async function linkProvenChild(
  prisma: PrismaClient,
  masterId: number,
  proof: ChildProof,
  throttle?: CredentialThrottle,
): Promise<{ childId: number }> {
  const childId = await provenAccount(prisma, proof, throttle);
  if (childId === masterId) throw ValidationError.field("account", "must not be your own account");
  await prisma.$transaction((tx) => linkChild(tx, { masterId, childId }));
  return { childId };
}

async function provenAccount(prisma: PrismaClient, proof: ChildProof, throttle?: CredentialThrottle): Promise<number> {
  if (proof.token) {
    if (proof.email || proof.password) throw ValidationError.field("token", "send either token or email and password");
    const check = await checkToken(prisma, proof.token);
    // Only a token that could manage the account itself proves control of it (OWNER or ADMIN).
    if (!check.ok || !PROOF_OF_CONTROL_ROLES.includes(check.role)) throw new InvalidCredentialsError();
    return check.accountId;
  }
  if (!proof.email || !proof.password)
    throw ValidationError.field("email", "is required (with password), or send a token of the account");
  return verifyCredentials(prisma, proof.email, proof.password, throttle);
}

/** Unlinks a child and revokes every session token its former master obtained for it. */
export async function unlinkChild(prisma: PrismaClient, masterId: number, childId: number): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.accountGroupMember.deleteMany({ where: { masterId, childId } });
    if (count === 0) throw new NotFoundError(`Account ${childId} is not linked to this account`);
    await tx.apiToken.updateMany({
      where: { accountId: childId, issuedById: masterId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  });
}

/** A token that acts as one of the master's children, recording which master obtained it. */
export async function childSession(
  prisma: PrismaClient,
  masterId: number,
  childId: number,
): Promise<IssuedToken & { accountId: number }> {
  const link = await prisma.accountGroupMember.findFirst({ where: { masterId, childId } });
  if (!link) throw new NotFoundError(`Account ${childId} is not linked to this account`);
  return {
    ...(await issueToken(prisma, { accountId: childId, name: "master session", issuedById: masterId })),
    accountId: childId,
  };
}
