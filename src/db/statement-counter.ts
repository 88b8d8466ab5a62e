import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";

/**
 * Counts the SQL statements Prisma sends through a driver adapter (both databases),
 * so tests can pin N+1 behaviour and /metrics can expose the total.
 */
export class StatementCounter {
  total = 0;
  private listeners = new Set<(sql: string) => void>();

  record(sql: string): void {
    this.total++;
    for (const listener of this.listeners) listener(sql);
  }

  /** Runs fn and returns the statements it caused (within this process). */
  async capture<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const listener = (sql: string) => statements.push(sql);
    this.listeners.add(listener);
    try {
      return { result: await fn(), statements };
    } finally {
      this.listeners.delete(listener);
    }
  }
}

function countQueries<T extends SqlQueryable>(target: T, counter: StatementCounter): T {
  const queryRaw = target.queryRaw.bind(target);
  const executeRaw = target.executeRaw.bind(target);
  target.queryRaw = (q) => {
    counter.record(q.sql);
    return queryRaw(q);
  };
  target.executeRaw = (q) => {
    counter.record(q.sql);
    return executeRaw(q);
  };
  return target;
}

export function countingAdapter(factory: SqlDriverAdapterFactory, counter: StatementCounter): SqlDriverAdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async (): Promise<SqlDriverAdapter> => {
    const adapter = countQueries(await connect(), counter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel): Promise<Transaction> =>
      countQueries(await startTransaction(isolationLevel), counter);
    return adapter;
  };
  return factory;
}
