import { gql } from "./app.ts";
import type { Database } from "../../src/db/database.ts";

/**
 * The SQL statements Prisma sent while fn ran (this process only). Tests that pin
 * N+1 behaviour assert on `.length`; the texts help when a count changes.
 */
export async function countStatements<T>(
  db: Database,
  fn: () => Promise<T>,
): Promise<{ result: T; count: number; statements: string[] }> {
  const { result, statements } = await db.statements.capture(fn);
  return { result, count: statements.length, statements };
}

/** One `viewer` request with the token, and how many of its statements read api_tokens (the token cache's misses). */
export async function tokenReads(db: Database, url: string, token: string): Promise<{ status: number; reads: number }> {
  const { result, statements } = await countStatements(db, () => gql(url, "{ viewer { account { legacyId } } }", { token }));
  return { status: result.status, reads: statements.filter((s) => s.includes("api_tokens")).length };
}
