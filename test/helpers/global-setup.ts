import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { buildServer } from "../../scripts/build.mjs";
import { createLogger } from "../../src/logger.ts";
import { DB_KIND, POSTGRES_URL, TEMPLATE_CACHE, templateDir } from "./test-db-config.ts";

/**
 * Everything the run writes to the temp dir (database copies, scratch folders, child
 * processes' files) goes under one folder of this run, removed when the run ends; folders of
 * earlier runs whose process is gone (killed runs) are removed first.
 */
function useRunTempDir(): () => void {
  const base = os.tmpdir();
  for (const name of fs.readdirSync(base)) {
    const pid = /^wallet-gateway-run-(\d+)-/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) fs.rmSync(path.join(base, name), { recursive: true, force: true });
  }
  const dir = fs.mkdtempSync(path.join(base, `wallet-gateway-run-${process.pid}-`));
  process.env.TMPDIR = dir; // the test workers and every process they start inherit it
  return () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs once per `vitest run`: builds the server, migrates the shared PostgreSQL database or builds the PGlite template. */
export default async function setup(): Promise<() => void> {
  const teardown = useRunTempDir();
  // Tests that start real gateway processes run what `npm start` runs: the production build.
  await buildServer();
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
    return teardown;
  }
  const dir = templateDir();
  if (fs.existsSync(`${dir}/ready`)) return teardown;
  fs.rmSync(TEMPLATE_CACHE, { recursive: true, force: true }); // older templates: earlier migrations
  fs.mkdirSync(TEMPLATE_CACHE, { recursive: true });
  const db = await openDatabase({ kind: "pglite", dataDir: dir }, logger);
  try {
    await migrate(db.pool);
  } finally {
    await db.close();
  }
  fs.writeFileSync(`${dir}/ready`, new Date().toISOString());
  return teardown;
}
