import type { GraphQLContext } from "../../graphql/context.ts";
import { groupMembers } from "../accounts/account-group.service.ts";
import { type Capability, may } from "../accounts/permissions.ts";
import { visibleLedgerRowById } from "../ledger/ledger-query.ts";
import type { NodeTypeName } from "./global-id.ts";

type Ctx = Pick<GraphQLContext, "viewer" | "loaders" | "prisma">;

/**
 * node(id) answers exactly what the entity's own fields would: the same capability, the same
 * group rule. Whatever the viewer may not see answers null, like an id that does not exist.
 */
export async function loadNode(ctx: Ctx, type: NodeTypeName, id: number): Promise<object | null> {
  const viewer = ctx.viewer;
  if (!viewer) return null;
  const can = (capability: Capability) => may(viewer.role, capability);
  const group = await ctx.loaders.accountGroup.load(viewer.accountId);
  const members = groupMembers(viewer.accountId, group);
  const walletVisible = async (walletId: number) => {
    const wallet = await ctx.loaders.walletById.load(walletId);
    return wallet !== null && members.includes(wallet.accountId);
  };
  switch (type) {
    case "Account": {
      // Accounts of the viewer's group, in either direction (a child sees its master's profile).
      const related = [viewer.accountId, group.masterId, ...group.linkedAccountIds];
      return can("account.read") && related.includes(id) ? ctx.loaders.accountById.load(id) : null;
    }
    case "Wallet":
      return can("wallet.read") && (await walletVisible(id)) ? ctx.loaders.walletById.load(id) : null;
    case "Transaction": {
      if (!can("wallet.read")) return null;
      const row = await visibleLedgerRowById(ctx.prisma, id);
      return row && (await walletVisible(row.walletId)) ? row : null;
    }
    case "Payout": {
      const payout = can("wallet.read") ? await ctx.loaders.payoutById.load(id) : null;
      return payout && (await walletVisible(payout.walletId)) ? payout : null;
    }
    case "Invoice": {
      const invoice = can("report.read") ? await ctx.loaders.invoiceById.load(id) : null;
      return invoice && members.includes(invoice.accountId) ? invoice : null;
    }
    case "InvoiceLineItem": {
      if (!can("report.read")) return null;
      const item = await ctx.prisma.invoiceLineItem.findUnique({
        where: { id },
        include: { account: { select: { displayName: true } }, invoice: { select: { accountId: true } } },
      });
      return item && members.includes(item.invoice.accountId) ? item : null;
    }
    case "Invitation": {
      const invitation = can("affiliate.read") ? await ctx.prisma.affiliateInvitation.findUnique({ where: { id } }) : null;
      return invitation?.inviterId === viewer.accountId ? invitation : null;
    }
    case "Product": {
      const product = await ctx.prisma.product.findUnique({ where: { id } });
      return product && catalogVisible(product.accountId) ? product : null;
    }
    case "ShortLink": {
      const link = await ctx.prisma.shortLink.findUnique({ where: { id } });
      return link && catalogVisible(link.accountId) ? link : null;
    }
  }
  // Products and links: the group's, on its dashboards; any, to the services that manage them.
  function catalogVisible(accountId: number): boolean {
    return can("catalog.manage") || (can("dashboard.read") && members.includes(accountId));
  }
}
