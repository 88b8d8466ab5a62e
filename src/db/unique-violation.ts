/**
 * Whether a Prisma error is a unique violation on exactly these columns of `table` (index
 * `<table>_<columns>_key`). The adapters say it differently: pg names the index, PGlite lists
 * the columns.
 */
export function violatesUnique(err: unknown, table: string, ...columns: string[]): boolean {
  const { code, meta } = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { constraint?: unknown } } } };
  if (code !== "P2002") return false;
  const constraint = meta?.driverAdapterError?.cause?.constraint as { index?: string; fields?: string[] } | undefined;
  if (constraint?.index !== undefined) return constraint.index === `${table}_${columns.join("_")}_key`;
  return constraint?.fields?.join() === columns.join();
}

/**
 * A `.catch` handler for a write of a unique value: a violation on these columns (another
 * request committed the value first) becomes the domain's answer, `taken()`, not a 500;
 * anything else is rethrown.
 */
export const unlessTaken =
  (table: string, columns: string[], taken: () => Error) =>
  (err: unknown): never => {
    throw violatesUnique(err, table, ...columns) ? taken() : err;
  };
