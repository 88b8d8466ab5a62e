import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Database } from "../../src/db/database.ts";
import { DEFAULT_LIMITS, type LimitsConfig } from "../../src/limits/limits-config.ts";
import { testLogger } from "./db.ts";

/** Rate limits off: suites about other behaviour make many requests from one address and token. */
export const UNLIMITED: LimitsConfig = { ...DEFAULT_LIMITS, rate: { ...DEFAULT_LIMITS.rate, enabled: false } };

export function buildApp(db: Database, limits: LimitsConfig = UNLIMITED) {
  return createApp({ db, logger: testLogger, config: { limits } });
}

/** The app on a real socket (127.0.0.1, random port), closed after the file. */
export async function startServer(
  db: Database,
  limits: LimitsConfig = UNLIMITED,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(buildApp(db, limits));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterAll(close);
  return { url, close };
}

export type GraphQLResponse<T = Record<string, unknown>> = {
  status: number;
  body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
};

/** POSTs one GraphQL operation to `${url}/graphql` over HTTP. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables ?? {} }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse<T>["body"] };
}
