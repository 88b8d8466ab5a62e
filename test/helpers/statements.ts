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
