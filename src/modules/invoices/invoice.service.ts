import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { parseInput } from "../accounts/account.service.ts";
import { accountGroupOf, groupMembers } from "../accounts/account-group.service.ts";
import { unlessTaken } from "../../db/unique-violation.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { postMovement } from "../ledger/ledger.service.ts";
import { idempotent } from "../wallet/idempotency.service.ts";
import { PositiveMinorUnits } from "../wallet/money-input.ts";
import { published } from "../wallet/movement.ts";
import { walletIdsOfAccounts } from "../wallet/wallet-keys.ts";
import { walletLanes } from "../wallet/wallet-lanes.ts";

const InvoiceInput = z.object({
  organizationId: z.number().int().positive(),
  externalId: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(500).optional(),
  hostedInvoiceUrl: z.url().optional(),
  paymentMethod: z.string().trim().min(1).max(100).optional(),
  paymentMethodId: z.number().int().positive().optional(),
  lineItems: z
    .array(
      z.object({
        accountId: z.number().int().positive(),
        amount: PositiveMinorUnits,
        campaignName: z.string().trim().min(1).max(200).optional(),
        description: z.string().trim().min(1).max(500).optional(),
      }),
    )
    .min(1, "must list at least one line item")
    .max(200),
});
export type InvoiceInput = z.input<typeof InvoiceInput>;

/**
 * A paid invoice of an organisation: one line item per creator of its group, each paid into
 * that creator's available balance as an INVOICE_PAYMENT entry referencing the invoice, all in
 * one transaction, waiting first in the lanes of every wallet it pays. Idempotent by the
 * caller's external id.
 */
export async function createPaidInvoice(db: Database, callerId: number, raw: InvoiceInput): Promise<{ invoiceId: number }> {
  const input = parseInput(InvoiceInput, raw);
  const walletIds = await walletIdsOfAccounts(
    db,
    input.lineItems.map((l) => l.accountId),
  );
  const paid: { walletId: number; id: number }[] = [];
  const result = await walletLanes.runAll(
    [...walletIds.values()].map((id) => `wallet:${id}`),
    () =>
      idempotent(db.prisma, { accountId: callerId, operation: "createInvoice", key: input.externalId, input }, async (tx) => {
        const org = await tx.account.findUnique({
          where: { id: input.organizationId },
          select: { id: true, currencyId: true, role: true },
        });
        if (!org || org.role !== "CREATOR") throw new NotFoundError(`Organization ${input.organizationId} does not exist`);
        const members = new Set(groupMembers(org.id, await accountGroupOf(tx, org.id)));
        const wallets = await tx.wallet.findMany({ where: { accountId: { in: input.lineItems.map((l) => l.accountId) } } });
        input.lineItems.forEach((line, i) => {
          const wallet = wallets.find((w) => w.accountId === line.accountId);
          if (!members.has(line.accountId) || !wallet)
            throw ValidationError.field(`lineItems.${i}.accountId`, "is not a creator of this organization");
          if (wallet.currencyId !== org.currencyId)
            throw ValidationError.field(`lineItems.${i}.accountId`, "uses another currency than the invoice");
        });
        const now = new Date();
        const invoice = await tx.invoice
          .create({
            data: {
              accountId: org.id,
              currencyId: org.currencyId,
              status: "paid",
              description: input.description ?? null,
              hostedInvoiceUrl: input.hostedInvoiceUrl ?? null,
              paymentMethod: input.paymentMethod ?? null,
              externalId: input.externalId,
              total: input.lineItems.reduce((sum, l) => sum + BigInt(l.amount), 0n),
              paidAt: now,
            },
          })
          // Another caller's invoice (its own idempotency scope) may carry this provider id.
          .catch(
            unlessTaken("invoices", ["external_id"], () =>
              ValidationError.field("externalId", "is already used by another invoice"),
            ),
          );
        // Every wallet locked in id order first, so two invoices can never deadlock.
        await tx.$queryRaw`SELECT 1 FROM wallets WHERE id IN (${Prisma.join(wallets.map((w) => w.id))}) ORDER BY id FOR UPDATE`;
        for (const line of input.lineItems) {
          const wallet = wallets.find((w) => w.accountId === line.accountId)!;
          await tx.invoiceLineItem.create({
            data: {
              invoiceId: invoice.id,
              accountId: line.accountId,
              amount: BigInt(line.amount),
              campaignName: line.campaignName ?? null,
              status: "paid",
              description: line.description ?? null,
            },
          });
          const { entries } = await postMovement(tx, {
            walletId: wallet.id,
            lines: [
              {
                bucket: "AVAILABLE",
                amount: BigInt(line.amount),
                type: "INVOICE_PAYMENT",
                status: "AVAILABLE",
                title: line.campaignName ? `Campaign: ${line.campaignName}` : "Invoice payment",
                description: line.description ?? input.description ?? null,
                invoiceId: invoice.id,
                paymentMethodId: input.paymentMethodId ?? null,
                externalId: input.externalId,
                source: "External",
                destination: "Balance",
              },
            ],
          });
          paid.push(...entries);
        }
        return { invoiceId: invoice.id };
      }),
  );
  published(db, paid); // after the commit (a replay paid nothing)
  return result;
}
