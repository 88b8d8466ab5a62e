import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { readMigrations } from "../../src/db/migrate.ts";

/** DATABASE_URL selects PostgreSQL for the whole suite; otherwise PGlite. */
export const POSTGRES_URL = process.env.DATABASE_URL || undefined;
export const DB_KIND: "pglite" | "postgres" = POSTGRES_URL ? "postgres" : "pglite";

/** A migrated, empty PGlite directory every test file copies (opening a copy takes ~0.5 s, creating one ~5 s). */
export function templateDir(): string {
  const fingerprint = createHash("sha256")
    .update(
      readMigrations()
        .map((m) => m.checksum)
        .join(","),
    )
    .digest("hex")
    .slice(0, 12);
  return path.join(os.tmpdir(), `wallet-gateway-test-template-${fingerprint}`);
}
