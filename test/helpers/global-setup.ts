import fs from "node:fs";
import { openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/logger.ts";
import { DB_KIND, POSTGRES_URL, templateDir } from "./test-db-config.ts";

/** Runs once per `vitest run`: migrates the shared PostgreSQL database, or builds the PGlite template. */
export default async function setup(): Promise<void> {
  const logger = createLogger("warn");
  if (DB_KIND === "postgres") {
    const db = await openDatabase(
      { kind: "postgres", url: POSTGRES_URL as string, poolMax: 2, connectTimeoutMs: 5000, statementTimeoutMs: 0 },
      logger,
    );
    try {
      await migrate(db.pool);
    } finally {
      await db.close();
    }
    return;
  }
  const dir = templateDir();
  if (fs.existsSync(`${dir}/ready`)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  const db = await openDatabase({ kind: "pglite", dataDir: dir }, logger);
  try {
    await migrate(db.pool);
  } finally {
    await db.close();
  }
  fs.writeFileSync(`${dir}/ready`, new Date().toISOString());
}
