import { createHash } from "node:crypto";
import path from "node:path";
import { readMigrations } from "../../src/db/migrate.ts";

export const TEMPLATE_CACHE = path.resolve(import.meta.dirname, "../../node_modules/.cache/wallet-gateway");

/** DATABASE_URL selects PostgreSQL for the whole suite; otherwise PGlite. */
export const POSTGRES_URL = process.env.DATABASE_URL || undefined;
export const DB_KIND: "pglite" | "postgres" = POSTGRES_URL ? "postgres" : "pglite";

/**
 * A migrated, empty PGlite directory every test file copies (opening a copy takes ~0.5 s,
 * creating one ~5 s). A cache kept between runs, so in node_modules/.cache, not the temp dir;
 * a new migration makes a new one (and removes the old ones).
 */
export function templateDir(): string {
  const fingerprint = createHash("sha256")
    .update(
      readMigrations()
        .map((m) => m.checksum)
        .join(","),
    )
    .digest("hex")
    .slice(0, 12);
  return path.join(TEMPLATE_CACHE, `test-template-${fingerprint}`);
}
