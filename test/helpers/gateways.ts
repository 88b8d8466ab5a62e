import { afterAll, beforeAll } from "vitest";
import { childEnv, type Gateway, startGateways } from "./processes.ts";
import { POSTGRES_URL } from "./test-db-config.ts";

/**
 * `count` real gateway processes on the suite's PostgreSQL database for the calling file:
 * started before its tests, stopped after them. `extra` adds to their environment.
 */
export function gatewaysOnPostgres(count: number, extra: Record<string, string> = {}): () => Gateway[] {
  let started: Awaited<ReturnType<typeof startGateways>> | null = null;
  beforeAll(async () => {
    const env = childEnv({ DATABASE_URL: POSTGRES_URL as string, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...extra });
    started = await startGateways(count, env);
  }, 90_000);
  afterAll(() => started?.stop());
  return () => started?.gateways ?? [];
}
