import { randomUUID } from "node:crypto";
import { print } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import * as examples from "../../docs/client/example.ts";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, mutate, openWalletServer, type Service } from "../helpers/money.ts";

describe("the documented client operations (docs/client/example.ts) run against the server", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  it("answers every example without errors, with the types the generated code promises", async () => {
    const master = await createCreator(db, { name: "Agency" });
    const child = await createCreator(db, { name: "Child" });
    await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
    await deposit(url, service.token, master.id, 2_500);
    const { product } = await mutate<{ product: { id: string } }>(
      url,
      service.token,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { ... on CreateProductPayload { product { id } } } }`,
      {
        input: { accountId: master.id, externalId: randomUUID(), title: "Set", mediaComplete: true, price: 100 },
      },
    );
    const run = async (document: (typeof examples)[keyof typeof examples], variables: Record<string, unknown> = {}) => {
      const res = await gql<Record<string, unknown>>(url, print(document), { token: master.token, variables });
      expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
      return res.body.data!;
    };
    const wallet = (await run(examples.WalletOverview)) as {
      viewer: { wallet: { id: string; available: number; transactions: { edges: unknown[] } } };
    };
    expect(wallet.viewer.wallet.available).toMatchObject({ amount: 2_500, formatted: "$25.00" });
    expect(wallet.viewer.wallet.transactions.edges).toHaveLength(1);
    expect(await run(examples.CreateInvitation, { fee: 500 })).toMatchObject({
      createInvitation: { __typename: "CreateInvitationPayload", invitation: { feePercentage: "5", registrations: 0 } },
    });
    expect(await run(examples.AgencyOverview)).toMatchObject({
      viewer: { accountGroup: { role: "MASTER", accounts: [{ displayName: "Agency" }, { displayName: "Child" }] } },
    });
    expect(await run(examples.ReportWithInvoices)).toMatchObject({
      transactionReport: { __typename: "TransactionReport", rowCount: 1 },
    });
    expect(await run(examples.Refetch, { id: wallet.viewer.wallet.id })).toEqual({
      node: { __typename: "Wallet", id: wallet.viewer.wallet.id, available: { amount: 2_500, formatted: "$25.00" } },
    });
    expect(await run(examples.Refetch, { id: product.id })).toEqual({
      node: { __typename: "Product", id: product.id, title: "Set", unlocks: 0 },
    });
  });
});
