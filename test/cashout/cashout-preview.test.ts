import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { issueToken } from "../../src/modules/accounts/token.service.ts";
import type { CashoutSettings } from "../../src/modules/cashout/cashout-rules.ts";
import { gql, UNLIMITED } from "../helpers/app.ts";
import { testDatabase, testLogger } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { createService, deposit, mutate, type Service } from "../helpers/money.ts";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";

const PREVIEW = `{ viewer { cashoutPreview { allowed amount { amount currency { code } } blockedBy { reason message } } } }`;
const CASHOUT = `mutation { requestCashout(input: {}) { __typename
  ... on RequestCashoutPayload { payout { amount { amount } } }
  ... on CashoutBlockedError { message blockedBy { reason message } }
  ... on Error { code } } }`;
const DETAILS = `mutation($input: SetPayoutDetailsInput!) { setPayoutDetails(input: $input) { __typename
  ... on SetPayoutDetailsPayload { payoutDetails { required missing iban bicSwift accountNumber routingNumber sortCode } }
  ... on ValidationError { fields { field message } } } }`;

type Block = { reason: string; message: string };
type Preview = { allowed: boolean; amount: { amount: number; currency: { code: string } }; blockedBy: Block[] };

/** An app on a socket with these cashout settings (the settings are per process: CASHOUT_* variables). */
async function serve(db: Database, cashout: CashoutSettings): Promise<string> {
  const server = http.createServer(createApp({ db, logger: testLogger, config: { limits: UNLIMITED, cashout } }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const VALID = {
  EUR: { iban: "DE89 3704 0044 0532 0130 00", bicSwift: "COBADEFFXXX" },
  USD: { accountNumber: "000123456789", routingNumber: "011000015" },
  GBP: { accountNumber: "31926819", sortCode: "60-16-13" },
};

describe("cashout preview: the amount and every reason, decided by the rules requestCashout applies", () => {
  let db: Database;
  let service: Service;
  let plain: string;
  let strict: string;
  beforeAll(async () => {
    db = await testDatabase();
    service = await createService(db);
    plain = await serve(db, { minimumMinor: {}, requirePayoutDetails: false });
    strict = await serve(db, { minimumMinor: { USD: 1000, EUR: 500 }, requirePayoutDetails: true });
  });
  const preview = async (url: string, token: string) =>
    (await gql<{ viewer: { cashoutPreview: Preview } }>(url, PREVIEW, { token })).body.data!.viewer.cashoutPreview;

  it("with the default settings only an empty balance or the token's role blocks; the preview's amount is what is paid", async () => {
    const me = await createCreator(db);
    expect(await preview(plain, me.token)).toEqual({
      allowed: false,
      amount: { amount: 0, currency: { code: "USD" } },
      blockedBy: [{ reason: "NOTHING_AVAILABLE", message: "Nothing is available to cash out." }],
    });
    expect(await mutate(plain, me.token, CASHOUT)).toEqual({ __typename: "NoAvailableFundsError", code: "NO_AVAILABLE_FUNDS" });
    await deposit(plain, service.token, me.id, 1);
    const viewer = await issueToken(db.prisma, { accountId: me.id, role: "VIEWER" });
    expect(await preview(plain, viewer.token)).toEqual({
      allowed: false,
      amount: { amount: 1, currency: { code: "USD" } },
      blockedBy: [{ reason: "ROLE_MAY_NOT_CASH_OUT", message: "A VIEWER token may not cash out: use an OWNER or ADMIN token." }],
    });
    expect((await mutate<{ __typename: string }>(plain, viewer.token, CASHOUT)).__typename).toBe("ForbiddenError");
    expect(await preview(plain, me.token)).toEqual({
      allowed: true,
      amount: { amount: 1, currency: { code: "USD" } },
      blockedBy: [],
    });
    expect(await mutate(plain, me.token, CASHOUT)).toEqual({ __typename: "RequestCashoutPayload", payout: { amount: 1 } });
  });

  it("a minimum per currency and required payout details block with their reasons, in GraphQL and on the legacy path", async () => {
    const eur = await createCreator(db, { currency: "EUR" });
    await deposit(strict, service.token, eur.id, 450);
    const blocked = {
      allowed: false,
      amount: { amount: 450, currency: { code: "EUR" } },
      blockedBy: [
        { reason: "BELOW_MINIMUM", message: "The minimum cashout is €5.00; €4.50 is available." },
        { reason: "MISSING_PAYOUT_DETAILS", message: "Add your payout details first: iban and bic_swift missing." },
      ],
    };
    expect(await preview(strict, eur.token)).toEqual(blocked);
    expect(await mutate(strict, eur.token, CASHOUT)).toEqual({
      __typename: "CashoutBlockedError",
      code: "CASHOUT_BLOCKED",
      message: blocked.blockedBy.map((b) => b.message).join(" "),
      blockedBy: blocked.blockedBy,
    });
    const legacy = await fetch(`${strict}/api/wallet/cashout`, {
      method: "POST",
      headers: { authorization: `Bearer ${eur.token}` },
    });
    expect([legacy.status, await legacy.json()]).toEqual([
      422,
      { success: false, errors_message: blocked.blockedBy.map((b) => b.message).join(" "), data: null },
    ]);
    // The same account through the default settings: nothing blocks.
    expect((await preview(plain, eur.token)).allowed).toBe(true);

    expect(await mutate(strict, eur.token, DETAILS, { input: VALID.EUR })).toEqual({
      __typename: "SetPayoutDetailsPayload",
      payoutDetails: {
        required: ["IBAN", "BIC_SWIFT"],
        missing: [],
        iban: "••••••••••••••••••3000",
        bicSwift: "•••••••FXXX",
        accountNumber: null,
        routingNumber: null,
        sortCode: null,
      },
    });
    await deposit(strict, service.token, eur.id, 50);
    expect(await preview(strict, eur.token)).toEqual({
      allowed: true,
      amount: { amount: 500, currency: { code: "EUR" } },
      blockedBy: [],
    });
    expect(await mutate(strict, eur.token, CASHOUT)).toEqual({ __typename: "RequestCashoutPayload", payout: { amount: 500 } });
  });

  it("validates payout details per currency: formats, checksums, and no fields of another rail", async () => {
    const cases: [string, Record<string, string>, { field: string; message: string }[]][] = [
      [
        "EUR",
        { iban: "DE89 3704 0044 0532 0130 01", bicSwift: "COBADEFF" },
        [{ field: "iban", message: "must be a valid IBAN" }],
      ],
      ["EUR", { iban: VALID.EUR.iban }, [{ field: "bic_swift", message: "is required for EUR payouts" }]],
      [
        "USD",
        { accountNumber: "123", routingNumber: "011000016" },
        [
          { field: "account_number", message: "must be 4 to 17 digits" },
          { field: "routing_number", message: "must be a valid 9-digit ABA routing number" },
        ],
      ],
      [
        "GBP",
        { accountNumber: "1234567", sortCode: "60-16-1" },
        [
          { field: "account_number", message: "must be 8 digits" },
          { field: "sort_code", message: "must be 6 digits (12-34-56)" },
        ],
      ],
      ["GBP", { ...VALID.GBP, iban: VALID.EUR.iban }, [{ field: "iban", message: "is not used for GBP payouts" }]],
    ];
    for (const [currency, input, fields] of cases) {
      const me = await createCreator(db, { currency });
      expect(await mutate(plain, me.token, DETAILS, { input })).toEqual({ __typename: "ValidationError", fields });
      expect(await db.prisma.payoutDetails.count({ where: { accountId: me.id } })).toBe(0);
    }
    for (const currency of ["USD", "GBP"] as const) {
      const me = await createCreator(db, { currency });
      expect((await mutate<{ __typename: string }>(plain, me.token, DETAILS, { input: VALID[currency] })).__typename).toBe(
        "SetPayoutDetailsPayload",
      );
    }
    const member = await createCreator(db, { role: "MEMBER" });
    expect((await mutate<{ __typename: string }>(plain, member.token, DETAILS, { input: VALID.USD })).__typename).toBe(
      "ForbiddenError",
    );
  });

  it("property: whenever the preview allows, the cashout pays exactly its amount; whenever it blocks, the cashout fails for those reasons", async () => {
    const configs: CashoutSettings[] = [
      { minimumMinor: {}, requirePayoutDetails: false },
      { minimumMinor: { USD: 500, EUR: 300, GBP: 2000 }, requirePayoutDetails: false },
      { minimumMinor: { USD: 1500 }, requirePayoutDetails: true },
    ];
    const urls = [plain, ...(await Promise.all(configs.slice(1).map((c) => serve(db, c))))];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          server: fc.integer({ min: 0, max: urls.length - 1 }),
          currency: fc.constantFrom("USD", "EUR", "GBP"),
          available: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
          details: fc.boolean(),
          role: fc.constantFrom("OWNER", "ADMIN", "MEMBER", "VIEWER"),
        }),
        async (c) => {
          const url = urls[c.server]!;
          const owner = await createCreator(db, { currency: c.currency });
          if (c.available > 0) await deposit(url, service.token, owner.id, c.available, randomUUID());
          if (c.details) await mutate(url, owner.token, DETAILS, { input: VALID[c.currency as keyof typeof VALID] });
          const token =
            c.role === "OWNER"
              ? owner.token
              : (await issueToken(db.prisma, { accountId: owner.id, role: c.role as "ADMIN" })).token;
          const seen = await preview(url, token);
          const result = await mutate<{ __typename: string; payout?: { amount: number }; blockedBy?: Block[] }>(
            url,
            token,
            CASHOUT,
          );
          if (seen.allowed) {
            expect(result).toEqual({ __typename: "RequestCashoutPayload", payout: { amount: seen.amount.amount } });
            expect(seen.amount.amount).toBe(c.available);
            return;
          }
          const reasons = seen.blockedBy.map((b) => b.reason);
          if (reasons.includes("ROLE_MAY_NOT_CASH_OUT")) expect(result.__typename).toBe("ForbiddenError");
          else if (reasons.length === 1 && reasons[0] === "NOTHING_AVAILABLE")
            expect(result.__typename).toBe("NoAvailableFundsError");
          else expect(result).toMatchObject({ __typename: "CashoutBlockedError", blockedBy: seen.blockedBy });
          expect(await db.prisma.payout.count({ where: { wallet: { accountId: owner.id } } })).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });
});
