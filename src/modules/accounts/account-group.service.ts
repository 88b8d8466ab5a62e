import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import { unlessTaken } from "../../db/unique-violation.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";

export const MAX_CHILDREN_PER_MASTER = 10;

/**
 * Links childId under masterId. Rules: at most 10 children per master, a child has exactly
 * one master, a master cannot be a child and a child cannot have children. The master's
 * row is locked so two concurrent links cannot both take the 10th place.
 */
export async function linkChild(tx: Prisma.TransactionClient, link: { masterId: number; childId: number }): Promise<void> {
  const { masterId, childId } = link;
  if (masterId === childId) throw ValidationError.field("master", "an account cannot be its own master");
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM accounts WHERE id = ${masterId} FOR UPDATE`;
  if (locked.length === 0) throw new NotFoundError(`Master account ${masterId} does not exist`);
  // Sequential on purpose: one connection carries the whole transaction.
  const masterIsChild = await tx.accountGroupMember.findUnique({ where: { childId: masterId }, select: { id: true } });
  const childHasChildren = await tx.accountGroupMember.findFirst({ where: { masterId: childId }, select: { id: true } });
  const childHasMaster = await tx.accountGroupMember.findUnique({ where: { childId }, select: { masterId: true } });
  const count = await tx.accountGroupMember.count({ where: { masterId } });
  if (masterIsChild) throw new ConflictError(`Account ${masterId} is a child account and cannot link others`);
  if (childHasChildren) throw new ConflictError(`Account ${childId} is a master account and cannot become a child`);
  if (childHasMaster) throw new ConflictError(`Account ${childId} is already linked to master ${childHasMaster.masterId}`);
  if (count >= MAX_CHILDREN_PER_MASTER) {
    throw new ConflictError(`Master ${masterId} already has ${MAX_CHILDREN_PER_MASTER} linked accounts (the maximum)`);
  }
  // Another master may have linked the child since the check above (each locks only its own row).
  await tx.accountGroupMember
    .create({ data: { masterId, childId } })
    .catch(
      unlessTaken(
        "account_group_members",
        ["child_id"],
        () => new ConflictError(`Account ${childId} is already linked to another master`),
      ),
    );
}

export type AccountGroupInfo = {
  accountId: number;
  role: "STANDALONE" | "MASTER" | "CHILD";
  masterId: number | null;
  linkedAccountIds: number[];
};

/** What the seed's clients expect after login: the account's place in an agency group. */
export async function accountGroupOf(
  prisma: Pick<PrismaClient, "accountGroupMember"> | Prisma.TransactionClient,
  accountId: number,
): Promise<AccountGroupInfo> {
  // One query for both directions: the account as a child, and the account's children.
  const links = await prisma.accountGroupMember.findMany({
    where: { OR: [{ childId: accountId }, { masterId: accountId }] },
    orderBy: { childId: "asc" },
  });
  const asChild = links.find((l) => l.childId === accountId);
  const children = links.filter((l) => l.masterId === accountId);
  if (asChild) return { accountId, role: "CHILD", masterId: asChild.masterId, linkedAccountIds: [] };
  if (children.length > 0) return { accountId, role: "MASTER", masterId: null, linkedAccountIds: children.map((c) => c.childId) };
  return { accountId, role: "STANDALONE", masterId: null, linkedAccountIds: [] };
}

/** The accounts an account may combine: a master and its children, anyone else only itself. */
export const groupMembers = (accountId: number, group: AccountGroupInfo): number[] =>
  group.role === "MASTER" ? [accountId, ...group.linkedAccountIds] : [accountId];
