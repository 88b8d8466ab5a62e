import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "./app.ts";
import { testDatabase } from "./db.ts";
import { createCreator } from "./factories.ts";

/** Runs a GraphQL mutation that must succeed and returns its (single) root field. */
export async function mutate<T = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await gql<Record<string, T>>(url, query, { token, variables });
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return flattenMoney(Object.values(res.body.data ?? {})[0]) as T;
}

/**
 * Money selected as `{ amount }` read as its number, so assertions stay about values
 * (`{ amount: 1234 }` rather than `{ amount: { amount: 1234 } }`).
 */
export function flattenMoney(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenMoney);
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === "amount" && typeof entries[0]![1] === "number") return entries[0]![1];
    return Object.fromEntries(entries.map(([k, v]) => [k, flattenMoney(v)]));
  }
  return value;
}

/** A platform service account and its token, for recording sales and settling payouts. */
export async function createService(db: Database) {
  return createCreator(db, { service: true, name: "Sales service" });
}

export type Service = Awaited<ReturnType<typeof createService>>;

/** What most money tests start from: the file's database, the app on a socket, a service account. */
export async function openWalletServer(): Promise<{ db: Database; url: string; service: Service }> {
  const db = await testDatabase();
  const { url } = await startServer(db);
  return { db, url, service: await createService(db) };
}

export const ENTRY_FIELDS = "id: legacyId uuid amount { amount } bucket balanceAfter { amount } type status title";

export async function recordSale(
  url: string,
  serviceToken: string,
  accountId: number,
  amount: number,
  externalId = randomUUID(),
) {
  return mutate<{
    __typename: string;
    sale: { id: number; uuid: string; amount: number };
    affiliateEarning: { amount: number } | null;
    message?: string;
  }>(
    url,
    serviceToken,
    `mutation($input: RecordSaleInput!) { recordSale(input: $input) { __typename
      ... on RecordSalePayload { sale { ${ENTRY_FIELDS} } affiliateEarning { ${ENTRY_FIELDS} } } ... on Error { code message } } }`,
    { input: { accountId, amount, externalId } },
  );
}

export async function deposit(url: string, serviceToken: string, accountId: number, amount: number, externalId = randomUUID()) {
  return mutate<{ __typename: string; transaction?: { id: number; balanceAfter: number } }>(
    url,
    serviceToken,
    `mutation($input: BalanceAdjustmentInput!) { recordDeposit(input: $input) { __typename ... on RecordDepositPayload { transaction { ${ENTRY_FIELDS} } } ... on Error { code message } } }`,
    { input: { accountId, amount, externalId } },
  );
}

export async function releaseAll(url: string, serviceToken: string, accountId: number) {
  return mutate<{ __typename: string; salesReleased: number; amountsReleased: { amount: number }[] }>(
    url,
    serviceToken,
    `mutation($id: Int) { releaseHolds(input: { accountId: $id, holdPeriodDays: 0 }) { __typename ... on ReleaseHoldsPayload { walletsReleased salesReleased amountsReleased { amount currency { code } } } ... on Error { code message } } }`,
    { id: accountId },
  );
}

export type WalletView = {
  available: number;
  hold: number;
  pending: number;
  total: number;
  referralRevenue: number;
  cashoutAvailable: boolean;
};

/** The viewer's wallet, each Money as its number of minor units. */
export async function walletOf(url: string, token: string): Promise<WalletView> {
  const res = await gql<{ viewer: { wallet: unknown } }>(
    url,
    "{ viewer { wallet { available { amount } hold { amount } pending { amount } total { amount } referralRevenue { amount } cashoutAvailable } } }",
    { token },
  );
  return flattenMoney(res.body.data!.viewer.wallet) as WalletView;
}
