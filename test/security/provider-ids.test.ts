import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { createCreator } from "../helpers/factories.ts";
import { type Service, createService, mutate, openWalletServer } from "../helpers/money.ts";

// Each caller's idempotency keys are its own, but a provider's id names one invoice or product
// for everybody: a second caller reusing one gets a validation error, never a 500.
describe("an external id another caller already used", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const taken = (what: string) => ({
    __typename: "ValidationError",
    message: `externalId: is already used by another ${what}`,
  });

  it("is refused for an invoice, and nothing is paid", async () => {
    const other = await createService(db);
    const org = await createCreator(db);
    const externalId = `in_${randomUUID()}`;
    const create = (token: string) =>
      mutate(
        url,
        token,
        `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { __typename ... on Error { message } } }`,
        { input: { organizationId: org.id, externalId, lineItems: [{ accountId: org.id, amount: 1250 }] } },
      );
    expect(await create(service.token)).toEqual({ __typename: "CreateInvoicePayload" });
    expect(await create(other.token)).toEqual(taken("invoice"));
    expect(await db.prisma.invoice.count({ where: { externalId } })).toBe(1);
    expect((await db.prisma.wallet.findUniqueOrThrow({ where: { id: org.walletId } })).available).toBe(1250n);
  });

  it("is refused for a product of the same creator", async () => {
    const other = await createService(db);
    const creator = await createCreator(db);
    const externalId = `pr_${randomUUID()}`;
    const create = (token: string, title: string) =>
      mutate(
        url,
        token,
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { __typename ... on Error { message } } }`,
        { input: { accountId: creator.id, externalId, title, mediaComplete: true, price: 100 } },
      );
    expect(await create(service.token, "First")).toEqual({ __typename: "CreateProductPayload" });
    expect(await create(other.token, "Second")).toEqual(taken("product of this creator"));
    expect((await db.prisma.product.findMany({ where: { accountId: creator.id } })).map((p) => p.title)).toEqual(["First"]);
  });
});
