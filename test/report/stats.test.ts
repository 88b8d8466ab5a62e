import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { postMovement } from "../../src/modules/ledger/ledger.service.ts";
import { gql, startServer } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";
import { createService, deposit, mutate, recordSale, releaseAll } from "../helpers/money.ts";
import { countStatements } from "../helpers/statements.ts";

const SUMS = [
  "amountSum",
  "feeSum",
  "payoutSum",
  "paymentSum",
  "depositSum",
  "withdrawalSum",
  "disputeSum",
  "payoutOtherSum",
  "payoutBalanceSum",
];

type Actor = Awaited<ReturnType<typeof createCreator>>;

describe("GET /api/stats/transactions (organisation report)", () => {
  let db: Database;
  let url: string;
  let service: Actor;
  let master: Actor, alice: Actor, bob: Actor, euro: Actor, outsider: Actor, outsiderChild: Actor;
  let invoiceId: number;
  const tag = randomUUID().slice(0, 6);

  const report = async (query: string, token = master.token) => {
    const res = await fetch(`${url}/api/stats/transactions${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: await res.json() };
  };
  const ids = (res: { body: { data: { id: number }[] } }) => res.body.data.map((r) => r.id);

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
    service = await createService(db);
    master = await createCreator(db, { name: `Agency ${tag}` });
    alice = await createCreator(db, { name: `Alice Studio ${tag}` });
    bob = await createCreator(db, { name: `Bob Works ${tag}` });
    euro = await createCreator(db, { name: `Euro Crew ${tag}`, currency: "EUR" });
    outsider = await createCreator(db, { name: `Outsider ${tag}` });
    outsiderChild = await createCreator(db, { name: `Outsider kid ${tag}` });
    for (const kid of [alice, bob, euro])
      await legacy(url, "/api/user/linked-accounts", { token: master.token, body: { token: kid.token } });
    await legacy(url, "/api/user/linked-accounts", { token: outsider.token, body: { token: outsiderChild.token } });

    // Alice: an old deposit (2026-01-15), a sale still on hold, a deposit cashed out and paid.
    await db.prisma.$transaction((tx) =>
      postMovement(tx, {
        walletId: alice.walletId,
        at: new Date("2026-01-15T12:00:00Z"),
        lines: [{ bucket: "AVAILABLE", amount: 700n, type: "DEPOSIT", status: "AVAILABLE", title: "January deposit" }],
      }),
    );
    await recordSale(url, service.token, alice.id, 1000);
    await deposit(url, service.token, alice.id, 5000);
    const cashout = await mutate<{ payout: { id: number } }>(
      url,
      alice.token,
      "mutation { requestCashout(input: {}) { ... on RequestCashoutPayload { payout { id: legacyId } } } }",
    );
    await mutate(
      url,
      service.token,
      `mutation { settlePayout(input: { payoutId: ${cashout.payout.id}, status: PAID }) { __typename } }`,
    );
    // Bob: a released sale, then a withdrawal and a dispute of part of it.
    const sale = await recordSale(url, service.token, bob.id, 2000);
    await releaseAll(url, service.token, bob.id);
    await mutate(
      url,
      service.token,
      `mutation { recordWithdrawal(input: { accountId: ${bob.id}, amount: 300, externalId: "${randomUUID()}" }) { __typename } }`,
    );
    await mutate(
      url,
      service.token,
      `mutation { recordDispute(input: { saleUuid: "${sale.sale.uuid}", amount: 200, externalId: "${randomUUID()}" }) { __typename } }`,
    );
    // The agency pays an invoice to Alice and Bob.
    const { invoice } = await mutate<{ invoice: { id: number } }>(
      url,
      service.token,
      `mutation($input: CreateInvoiceInput!) { createInvoice(input: $input) { ... on CreateInvoicePayload { invoice { id: legacyId } } ... on Error { message } } }`,
      {
        input: {
          organizationId: master.id,
          externalId: randomUUID(),
          description: "Spring campaign",
          hostedInvoiceUrl: "https://billing.example.com/inv/1",
          paymentMethod: "card",
          paymentMethodId: 42,
          lineItems: [
            { accountId: alice.id, amount: 1250, campaignName: "Spring", description: "Alice's share" },
            { accountId: bob.id, amount: 750, campaignName: "Spring" },
          ],
        },
      },
    );
    invoiceId = invoice.id;
    await deposit(url, service.token, euro.id, 4000);
  });

  it("lists the whole group newest first with every Transaction field, and sums over the whole filtered set", async () => {
    const res = await report("?per_page=100");
    expect(res.status).toBe(200);
    // Alice 4 (old deposit, sale, deposit, payout) + invoice x2 + Bob 3 (sale, withdrawal, dispute) + Euro 1 = 10
    expect(res.body.meta).toEqual({ row_count: 10, page_count: 1, current_page: 1 });
    expect(res.body.additional_data).toEqual({
      amount_sum: 700 + 1000 + 5000 - 5700 + 2000 - 300 - 200 + 1250 + 750 + 4000,
      fee_sum: 0,
      payout_sum: -5700, // the cashout took everything available: 700 + 5000
      payment_sum: 1000 + 2000 + 1250 + 750,
      deposit_sum: 700 + 5000 + 4000,
      withdrawal_sum: -300,
      dispute_sum: -200,
      payout_other_sum: 0,
      payout_balance_sum: -5700,
    });
    const rows = res.body.data as Record<string, unknown>[];
    expect(rows.map((r) => [r.organization_id, r.transaction_type, r.formatted_amount, r.status])).toEqual([
      [euro.id, "Deposit", "€40.00", "Available"],
      [bob.id, "Payment", "$7.50", "Available"],
      [alice.id, "Payment", "$12.50", "Available"],
      [bob.id, "Dispute", "-$2.00", "Disputed"],
      [bob.id, "Withdrawal", "-$3.00", "Paid"],
      [bob.id, "Payment", "$20.00", "Available"],
      [alice.id, "Payout", "-$57.00", "Paid"],
      [alice.id, "Deposit", "$50.00", "Available"],
      [alice.id, "Payment", "$10.00", "Pending"],
      [alice.id, "Deposit", "$7.00", "Available"],
    ]);
    const payout = rows[6]!;
    expect(payout).toMatchObject({
      currency: "usd",
      balance: 0,
      pending_balance: 5700,
      source: "Balance",
      destination: "External",
      creator_payout_id: expect.any(Number),
    });
    const invoiceRow = rows[2]!;
    const entry = await db.prisma.ledgerEntry.findUniqueOrThrow({ where: { id: invoiceRow.id as number } });
    const alicesAccount = await db.prisma.account.findUniqueOrThrow({ where: { id: alice.id } });
    const lines = await db.prisma.invoiceLineItem.findMany({ where: { invoiceId }, orderBy: { id: "asc" } });
    const invoice = await db.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
    expect(invoiceRow).toEqual({
      id: entry.id,
      formatted_amount: "$12.50",
      transaction_type: "Payment",
      currency: "usd",
      formatted_fee_amount: "$0.00",
      formatted_total: "$12.50",
      status: "Available",
      balance: 1250,
      pending_balance: 0,
      description: "Alice's share",
      organization_id: alice.id,
      creator_payout_id: null,
      invoice_id: invoiceId,
      payment_method_id: 42,
      external_id: invoice.externalId,
      source: "External",
      destination: "Balance",
      created: Math.floor(entry.createdAt.getTime() / 1000),
      organization_name: `Alice Studio ${tag}`,
      organization_logo_url: null,
      organization_slug: alicesAccount.slug,
      invoice_description: "Spring campaign",
      invoice: {
        id: invoiceId,
        currency: "usd",
        hosted_invoice_url: "https://billing.example.com/inv/1",
        status: "paid",
        total_formatted: 2000,
        created_at_formatted: `${invoice.createdAt.toISOString().slice(5, 7)}/${invoice.createdAt.toISOString().slice(8, 10)}/${invoice.createdAt.toISOString().slice(2, 4)}`,
        description: "Spring campaign",
        pretty_status: "Paid",
        paid_at: invoice.paidAt!.toISOString(),
        payment_method: "card",
        line_items: [
          {
            id: lines[0]!.id,
            amount: 1250,
            user_name: `Alice Studio ${tag}`,
            campaign_name: "Spring",
            user_id: alice.id,
            status: "paid",
            creator_payout_id: null,
            description: "Alice's share",
            refunded: false,
          },
          {
            id: lines[1]!.id,
            amount: 750,
            user_name: `Bob Works ${tag}`,
            campaign_name: "Spring",
            user_id: bob.id,
            status: "paid",
            creator_payout_id: null,
            description: null,
            refunded: false,
          },
        ],
      },
    });
  });

  it.each([
    ["payment", 4, 5000],
    ["payout", 1, -5700],
    ["deposit", 3, 9700],
    ["withdrawal", 1, -300],
    ["dispute", 1, -200],
  ])("filters by transaction_type=%s", async (type, count, amountSum) => {
    const res = await report(`?transaction_type=${type}&per_page=100`);
    expect(res.body.meta.row_count).toBe(count);
    expect(res.body.additional_data.amount_sum).toBe(amountSum);
    expect(new Set(res.body.data.map((r: { transaction_type: string }) => r.transaction_type))).toEqual(
      new Set([type.charAt(0).toUpperCase() + type.slice(1)]),
    );
  });

  it("filters by child organisation, by creator name (any case), by dates, and by all of them together", async () => {
    expect((await report(`?child_organization_id=${bob.id}`)).body.meta.row_count).toBe(4);
    expect((await report(`?search=ALICE studio ${tag}`)).body.meta.row_count).toBe(5);
    expect((await report(`?search=alice%20STUDIO%20${tag}`)).body.meta.row_count).toBe(5);
    expect(await report("?search=no-such-creator-zz")).toEqual({
      status: 200,
      body: {
        data: [],
        meta: { row_count: 0, page_count: 0, current_page: 1 },
        additional_data: expect.objectContaining({ amount_sum: 0, payment_sum: 0 }),
      },
    });
    const january = await report("?start_date=01/01/2026&end_date=01/31/2026");
    expect(january.body.data.map((r: { description: string }) => r.description)).toEqual(["January deposit"]);
    expect((await report("?start_date=01/15/26&end_date=01/15/26")).body.meta.row_count).toBe(1); // MM/DD/YY, inclusive end
    expect((await report("?start_date=01/16/2026&end_date=01/31/2026")).body.meta.row_count).toBe(0);
    const combined = await report(
      `?child_organization_id=${alice.id}&transaction_type=payment&search=alice&start_date=02/01/2026`,
    );
    expect(combined.body.data.map((r: { formatted_amount: string }) => r.formatted_amount)).toEqual(["$12.50", "$10.00"]);
    expect(combined.body.additional_data).toMatchObject({ amount_sum: 2250, payment_sum: 2250 });
  });

  it("pages: last partial page, past the end, per_page 100 and 101", async () => {
    const first = await report("?per_page=3");
    expect(first.body.meta).toEqual({ row_count: 10, page_count: 4, current_page: 1 });
    const all = ids(await report("?per_page=100"));
    expect(ids(first)).toEqual(all.slice(0, 3));
    const last = await report("?per_page=3&page=4");
    expect(ids(last)).toEqual(all.slice(9));
    const past = await report("?per_page=3&page=5");
    expect(past.body).toEqual({
      data: [],
      meta: { row_count: 10, page_count: 4, current_page: 5 },
      additional_data: first.body.additional_data,
    });
    expect((await report("")).body.data).toHaveLength(10); // default per_page 10
    expect(await report("?per_page=101")).toEqual({
      status: 400,
      body: { success: false, error: "bad_request", message: "The per_page parameter must be an integer between 1 and 100." },
    });
  });

  it.each([
    ["?page=0", "The page parameter must be an integer of at least 1."],
    ["?per_page=abc", "The per_page parameter must be an integer between 1 and 100."],
    ["?start_date=2026-01-01", "The start_date parameter must be a date in MM/DD/YYYY format."],
    ["?end_date=02/30/2026", "The end_date parameter must be a date in MM/DD/YYYY format."],
    ["?start_date=02/01/2026&end_date=01/01/2026", "The start_date parameter must not be after end_date."],
    ["?transaction_type=refund", "The transaction_type parameter must be one of payment, payout, deposit, withdrawal, dispute."],
    ["?child_organization_id=-3", "The child_organization_id parameter must be an integer of at least 1."],
  ])("answers 400 naming the parameter for %s", async (query, message) => {
    expect(await report(query)).toEqual({ status: 400, body: { success: false, error: "bad_request", message } });
  });

  it("never shows another group's data: a foreign child_organization_id is a 400, a foreign token sees its own group", async () => {
    expect(await report(`?child_organization_id=${outsiderChild.id}`)).toEqual({
      status: 400,
      body: {
        success: false,
        error: "bad_request",
        message: "The child_organization_id parameter is not an organization of your group.",
      },
    });
    expect(await report(`?child_organization_id=${alice.id}`, outsider.token)).toMatchObject({ status: 400 });
    expect((await report("", outsider.token)).body.meta.row_count).toBe(0);
    expect((await report("", bob.token)).body.meta.row_count).toBe(4); // a child organisation sees itself only
  });

  it("role matrix: owner, admin and member read; viewer, service, no token and revoked get 401", async () => {
    for (const role of ["OWNER", "ADMIN", "MEMBER"] as const) {
      const { token } = await import("../../src/modules/accounts/token.service.ts").then((m) =>
        m.issueToken(db.prisma, { accountId: master.id, role }),
      );
      expect((await report("", token)).status).toBe(200);
    }
    const { issueToken, revokeToken } = await import("../../src/modules/accounts/token.service.ts");
    const viewer = await issueToken(db.prisma, { accountId: master.id, role: "VIEWER" });
    const unauthorizedRole = {
      status: 401,
      body: {
        success: false,
        error: "unauthorized",
        message: "Unauthorized: this token's role may not read transaction reports (viewer tokens cannot).",
      },
    };
    expect(await report("", viewer.token)).toEqual(unauthorizedRole);
    expect(await report("", service.token)).toEqual(unauthorizedRole);
    const noToken = {
      status: 401,
      body: {
        success: false,
        error: "unauthorized",
        message: "Unauthorized: send a valid API token as Authorization: Bearer <token>.",
      },
    };
    expect(await report("", "")).toEqual(noToken);
    const gone = await issueToken(db.prisma, { accountId: master.id });
    await revokeToken(db.prisma, gone.id);
    expect(await report("", gone.token)).toEqual(noToken);
  });

  it("answers its closed sets as enums in GraphQL (the REST body keeps the Stats API's display strings)", async () => {
    type Row = { legacyId: number; status: string; invoice: { status: string; lineItems: { status: string }[] } | null };
    const res = await gql<{ transactionReport: { rows: Row[] } }>(
      url,
      `{ transactionReport(perPage: 100) { ... on TransactionReport { rows { legacyId status invoice { status lineItems { status } } } } } }`,
      { token: master.token },
    );
    const rows = res.body.data!.transactionReport.rows;
    const rest = (await report("?per_page=100")).body.data as {
      id: number;
      status: string;
      invoice: { status: string } | null;
    }[];
    expect(rows.map((r) => r.status)).toEqual(rest.map((r) => r.status.toUpperCase()));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["AVAILABLE", "PENDING", "PAID", "DISPUTED"]));
    const invoiced = rows.filter((r) => r.invoice);
    expect(invoiced.map((r) => [r.invoice!.status, r.invoice!.lineItems.map((l) => l.status)])).toEqual([
      ["PAID", ["PAID", "PAID"]],
      ["PAID", ["PAID", "PAID"]],
    ]);
    expect(rest.filter((r) => r.invoice).map((r) => r.invoice!.status)).toEqual(["paid", "paid"]);
  });

  it("a report row's id is its Transaction's global id: node(id:) refetches the same entry", async () => {
    type Row = { id: string; legacyId: number; amount: { amount: number }; balance: { amount: number } };
    const res = await gql<{ transactionReport: { rows: Row[] } }>(
      url,
      `{ transactionReport(perPage: 2) { ... on TransactionReport { rows { id legacyId amount { amount } balance { amount } } } } }`,
      { token: master.token },
    );
    const rows = res.body.data!.transactionReport.rows;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const node = await gql<{ node: unknown }>(
        url,
        `query($id: ID!) { node(id: $id) { __typename ... on Transaction { legacyId amount { amount } } } }`,
        {
          token: master.token,
          variables: { id: row.id },
        },
      );
      expect(node.body.data?.node).toEqual({ __typename: "Transaction", legacyId: row.legacyId, amount: row.amount });
    }
  });

  it("GraphQL keeps sums per currency, and a page costs a constant number of statements", async () => {
    const query = `{ transactionReport(perPage: 100) { ... on TransactionReport { rowCount sumsByCurrency { currencyCode rowCount amountSum { amount formatted } depositSum { amount } } } } }`;
    const res = await gql<{ transactionReport: unknown }>(url, query, { token: master.token });
    expect(res.body.data?.transactionReport).toEqual({
      rowCount: 10,
      sumsByCurrency: [
        { currencyCode: "EUR", rowCount: 1, amountSum: { amount: 4000, formatted: "€40.00" }, depositSum: { amount: 4000 } },
        { currencyCode: "USD", rowCount: 9, amountSum: { amount: 4500, formatted: "$45.00" }, depositSum: { amount: 5700 } },
      ],
    });
    const count = async (query: string) =>
      (
        await countStatements(db, () =>
          fetch(`${url}/api/stats/transactions?${query}`, { headers: { authorization: `Bearer ${master.token}` } }).then((r) =>
            r.json(),
          ),
        )
      ).count;
    // account group, wallets in scope, page rows, sums; with invoices on the page: + invoices, line items
    // (the token and the currencies were read by the request above, and are kept)
    expect(await count("transaction_type=deposit&per_page=100")).toBe(4);
    expect(await count("per_page=2")).toBe(6);
    expect(await count("per_page=100")).toBe(6);
  });

  it("sums read from the daily rollups equal sums scanned from the ledger", async () => {
    const sums = async (from: string) => {
      const res = await gql<{ transactionReport: { rowCount: number; sumsByCurrency: unknown[] } }>(
        url,
        `query($from: DateTime) { transactionReport(filter: { from: $from }) { ... on TransactionReport { rowCount
          sumsByCurrency { currencyCode rowCount ${SUMS.map((s) => `${s} { amount }`).join(" ")} } } } }`,
        { token: master.token, variables: { from } },
      );
      return res.body.data!.transactionReport;
    };
    const fromRollups = await sums("2026-01-01T00:00:00.000Z"); // a whole day: rollups
    const fromLedger = await sums("2026-01-01T00:00:00.001Z"); // not a whole day: scans the entries
    expect(fromRollups.rowCount).toBe(10);
    expect(fromLedger).toEqual(fromRollups);
  });
});
