import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { createLogger } from "../../src/logger.ts";
import { ADDRESSES } from "../../scripts/cluster.ts";

export { ADDRESSES };

/** The cluster's primary, for making accounts (the gateways migrated it). */
export const openPrimary = (): Promise<Database> =>
  openDatabase(
    { kind: "postgres", url: ADDRESSES.primary, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 },
    createLogger("warn"),
  );

/** The primary for one test file: opened before its tests, closed after them (call at the file's top level). */
export function primaryForFile(): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await openPrimary();
  });
  afterAll(() => db?.close());
  return () => db!;
}

/** Reads `read` every 100 ms until `ok` holds of its value (returned), or fails with what it waited for and the last value. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Answer<T> = { status: number; headers: Headers; body: { data?: T; errors?: { message: string }[] } };

export async function graphql<T>(
  base: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer<T>["body"] };
}

export const deposit = (base: string, serviceToken: string, accountId: number, amount: number, externalId = randomUUID()) =>
  graphql<{ recordDeposit: { __typename: string } }>(
    base,
    serviceToken,
    "mutation($input: BalanceAdjustmentInput!) { recordDeposit(input: $input) { __typename } }",
    { input: { accountId, amount, externalId } },
  );

/** One counter of a gateway's /metrics (0 when absent). */
export async function metric(base: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const found = text.split("\n").find((l) => line.test(l));
  return found ? Number(found.split(" ").at(-1)) : 0;
}
