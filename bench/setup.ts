import { type Database, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createLogger } from "../src/logger.ts";
import { createAccount } from "../src/modules/accounts/account.service.ts";
import { issueToken } from "../src/modules/accounts/token.service.ts";

export type BenchAccount = { id: number; token: string };

/** The benchmarks' own connection to DATABASE_URL (migrated), and a maker of USD accounts with a token each. */
export async function openBench(poolMax = 4): Promise<{
  url: string;
  db: Database;
  account(name: string, role?: "CREATOR" | "SERVICE"): Promise<BenchAccount>;
}> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("set DATABASE_URL: this benchmark runs on PostgreSQL");
  const db = await openDatabase(
    { kind: "postgres", url, poolMax, connectTimeoutMs: 5000, statementTimeoutMs: 0 },
    createLogger("warn"),
  );
  await migrate(db.pool);
  const stamp = Date.now();
  return {
    url,
    db,
    account: async (name, role = "CREATOR") => {
      const a = await createAccount(db.prisma, {
        email: `${name}-${stamp}@bench.example`,
        displayName: name,
        currency: "USD",
        role,
      });
      return { id: a.id, token: (await issueToken(db.prisma, { accountId: a.id })).token };
    },
  };
}
