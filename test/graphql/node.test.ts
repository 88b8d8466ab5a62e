import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { linkChild } from "../../src/modules/accounts/account-group.service.ts";
import { issueToken } from "../../src/modules/accounts/token.service.ts";
import { toGlobalId } from "../../src/modules/node/global-id.ts";
import { gql } from "../helpers/app.ts";
import { createCreator } from "../helpers/factories.ts";
import { deposit, mutate, openWalletServer, type Service } from "../helpers/money.ts";

const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Account { legacyId } ... on Wallet { legacyId available { amount } }
  ... on Transaction { legacyId amount { amount } } ... on Payout { legacyId amount { amount } } ... on Invoice { legacyId }
  ... on InvoiceLineItem { legacyId } ... on Invitation { legacyId } ... on Product { legacyId title } } }`;

describe("Relay global object identification: node(id:) and nodes(ids:)", () => {
  let db: Database;
  let url: string;
  let service: Service;
  beforeAll(async () => ({ db, url, service } = await openWalletServer()));

  const node = async (token: string, id: string) =>
    (await gql<{ node: Record<string, unknown> | null }>(url, NODE, { token, variables: { id } })).body;

  it("refetches every kind of entity by the global id its own field gave, with its legacy integer id", async () => {
    const master = await createCreator(db, { name: "Agency" });
    const child = await createCreator(db, { name: "Child" });
    await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
    await deposit(url, service.token, child.id, 4_200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a deep selection read field by field below
    const ids = await gql<Record<string, any>>(
      url,
      `{ viewer { account { id legacyId } wallet { id legacyId } accountGroup { accounts { id legacyId wallet { id legacyId
        transactions(first: 1) { ... on TransactionConnection { nodes { id legacyId amount { amount } } } } } } } } }`,
      { token: master.token },
    );
    const viewer = ids.body.data!.viewer;
    const childAccount = viewer.accountGroup.accounts[1];
    const entry = childAccount.wallet.transactions.nodes[0];
    expect(entry.amount).toEqual({ amount: 4_200 });
    const cases: [string, string, Record<string, unknown>][] = [
      [viewer.account.id, "Account", { legacyId: master.id }],
      [childAccount.id, "Account", { legacyId: child.id }],
      [childAccount.wallet.id, "Wallet", { legacyId: childAccount.wallet.legacyId, available: { amount: 4_200 } }],
      [entry.id, "Transaction", { legacyId: entry.legacyId, amount: { amount: 4_200 } }],
    ];
    for (const [id, type, fields] of cases) {
      expect(id).toBe(toGlobalId(type as "Account", fields.legacyId as number));
      expect((await node(master.token, id)).data).toEqual({ node: { __typename: type, id, ...fields } });
    }
    const payout = await mutate<{ payout: { id: string; legacyId: number } }>(
      url,
      child.token,
      "mutation { requestCashout(input: {}) { ... on RequestCashoutPayload { payout { id legacyId } } } }",
    );
    expect((await node(child.token, payout.payout.id)).data).toEqual({
      node: { __typename: "Payout", id: payout.payout.id, legacyId: payout.payout.legacyId, amount: { amount: 4_200 } },
    });
    const invitation = await mutate<{ invitation: { id: string; legacyId: number } }>(
      url,
      master.token,
      "mutation { createInvitation(input: {}) { ... on CreateInvitationPayload { invitation { id legacyId } } } }",
    );
    expect((await node(master.token, invitation.invitation.id)).data).toEqual({
      node: { __typename: "Invitation", ...invitation.invitation },
    });
    const { invoice } = await mutate<{
      invoice: { id: string; legacyId: number; lineItems: { id: string; legacyId: number }[] };
    }>(
      url,
      service.token,
      `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { ... on CreateInvoicePayload { invoice { id legacyId lineItems { id legacyId } } } } }`,
      { input: { organizationId: master.id, externalId: randomUUID(), lineItems: [{ accountId: child.id, amount: 50 }] } },
    );
    expect((await node(master.token, invoice.id)).data).toEqual({
      node: { __typename: "Invoice", id: invoice.id, legacyId: invoice.legacyId },
    });
    expect((await node(master.token, invoice.lineItems[0]!.id)).data).toEqual({
      node: { __typename: "InvoiceLineItem", ...invoice.lineItems[0] },
    });
    const { product } = await mutate<{ product: { id: string; legacyId: number } }>(
      url,
      service.token,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { ... on CreateProductPayload { product { id legacyId } } } }`,
      {
        input: { accountId: child.id, externalId: randomUUID(), title: "Set", mediaComplete: true, price: 100 },
      },
    );
    expect((await node(master.token, product.id)).data).toEqual({ node: { __typename: "Product", ...product, title: "Set" } });
  });

  it("answers null alike for a foreign, an unknown and a malformed id; authorises like the entity's own field", async () => {
    const master = await createCreator(db, { name: "Agency" });
    const child = await createCreator(db, { name: "Child" });
    const stranger = await createCreator(db, { name: "Stranger" });
    await db.prisma.$transaction((tx) => linkChild(tx, { masterId: master.id, childId: child.id }));
    const masterWallet = await db.prisma.wallet.findUniqueOrThrow({ where: { accountId: master.id } });
    const nothing = { data: { node: null } };
    // A stranger sees nothing of the group; an unknown and a malformed id answer exactly the same.
    for (const id of [
      toGlobalId("Account", master.id),
      toGlobalId("Wallet", masterWallet.id),
      toGlobalId("Account", 2_000_000_000),
      "not-an-id",
      toGlobalId("Wallet", 0).slice(2),
    ])
      expect(await node(stranger.token, id)).toEqual(nothing);
    // A child sees its master's profile but not its wallet (as accountGroup.master.wallet is null).
    expect((await node(child.token, toGlobalId("Account", master.id))).data?.node).toMatchObject({
      __typename: "Account",
      legacyId: master.id,
    });
    expect(await node(child.token, toGlobalId("Wallet", masterWallet.id))).toEqual(nothing);
    // Capabilities apply: a SERVICE token cannot read wallets, so their ids answer null to it.
    const serviceWallet = await node(service.token, toGlobalId("Wallet", masterWallet.id));
    expect(serviceWallet).toEqual(nothing);
    // nodes() keeps the order and puts null where node() would.
    const viewerToken = (await issueToken(db.prisma, { accountId: master.id, role: "VIEWER" })).token;
    const many = await gql(url, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Account { legacyId } } }", {
      token: viewerToken,
      variables: { ids: [toGlobalId("Account", child.id), toGlobalId("Account", stranger.id), toGlobalId("Account", master.id)] },
    });
    expect(many.body.data).toEqual({
      nodes: [{ __typename: "Account", legacyId: child.id }, null, { __typename: "Account", legacyId: master.id }],
    });
  });
});
