/**
 * Load and contention are not bugs: a lock that could not be taken in time, a pool with no
 * free connection, a database that is down. Each surface answers them 409 or 503 with
 * `Retry-After` instead of 500. This recognises them in whatever wrapping Prisma, its driver
 * adapters, node-postgres or PGlite put around them.
 */
export type Unavailable = {
  status: 409 | 503;
  code: "BUSY" | "IN_PROGRESS" | "SERVICE_UNAVAILABLE";
  message: string;
  retryAfterSeconds: number;
};

export const BUSY_MESSAGE = "This wallet is busy with another request: retry shortly.";
export const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable: retry shortly.";

/** A money movement that waited its turn on a busy wallet for too long (nothing was written). */
export class WalletBusyError extends Error {
  override name = "WalletBusyError";
  constructor() {
    super(BUSY_MESSAGE);
  }
}

export const IN_PROGRESS_MESSAGE = "A request with this idempotency key is still in progress";

/**
 * The first request with this idempotency key still runs (nothing was written for this one): the
 * client retries after Retry-After and then gets that request's outcome.
 */
export class RequestInProgressError extends Error {
  override name = "RequestInProgressError";
  constructor() {
    super(IN_PROGRESS_MESSAGE);
  }
}

const busy = (): Unavailable => ({ status: 409, code: "BUSY", message: BUSY_MESSAGE, retryAfterSeconds: 1 });
const down = (retryAfterSeconds = 2): Unavailable => ({
  status: 503,
  code: "SERVICE_UNAVAILABLE",
  message: UNAVAILABLE_MESSAGE,
  retryAfterSeconds,
});

/** PostgreSQL SQLSTATEs: lock_not_available, serialization_failure, deadlock_detected. */
const CONTENTION_CODES = new Set(["55P03", "40001", "40P01"]);
/** query_canceled (statement_timeout), too_many_connections, configuration_limit_exceeded. */
const OVERLOADED_CODES = new Set(["57014", "53300", "53400"]);
/** Prisma: transaction or pool timeouts, a transaction that could not start or expired. */
const OVERLOADED_PRISMA = new Set(["P1008", "P2024", "P2028"]);
const OVERLOADED_KINDS = new Set(["TooManyConnections"]);
const OVERLOADED_MESSAGES = [/Unable to start a transaction in the given time/i, /Transaction already closed/i];
/** The server went away or cannot be reached: admin/crash shutdown, cannot_connect_now, connection exceptions (08...). */
const UNREACHABLE_CODES = new Set(["57P01", "57P02", "57P03"]);
/** Prisma: can't reach the server, timed out connecting, connection closed. */
const UNREACHABLE_PRISMA = new Set(["P1001", "P1002", "P1017"]);
const NODE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
const UNREACHABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TlsConnectionError"]);
const UNREACHABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /the database system is (starting up|shutting down)/i,
  /Can't reach database server/i,
];

/** 409/503 for contention and outages, null for anything else (which stays an unexpected 500). */
export function unavailableReason(err: unknown): Unavailable | null {
  if (err instanceof WalletBusyError) return busy();
  if (err instanceof RequestInProgressError)
    return { status: 409, code: "IN_PROGRESS", message: IN_PROGRESS_MESSAGE, retryAfterSeconds: 1 };
  let found: Unavailable | null = null;
  walk(err, 0, new Set(), (node) => {
    const code = codeOf(node);
    const kind = stringProp(node, "kind");
    if ((code && CONTENTION_CODES.has(code)) || kind === "TransactionWriteConflict" || code === "P2034") found ??= busy();
    else if (isUnreachable(node) || isOverloaded(node)) found ??= down();
  });
  return found;
}

/** The database server itself could not be reached (down, stopping, connection lost), as against busy or slow. */
export function unreachable(err: unknown): boolean {
  let found = false;
  walk(err, 0, new Set(), (node) => {
    found ||= isUnreachable(node);
  });
  return found;
}

const codeOf = (node: object) => stringProp(node, "code") ?? stringProp(node, "originalCode") ?? stringProp(node, "errorCode");

function isUnreachable(node: object): boolean {
  const code = codeOf(node);
  const kind = stringProp(node, "kind");
  const message = stringProp(node, "message");
  return Boolean(
    (code &&
      (UNREACHABLE_CODES.has(code) || UNREACHABLE_PRISMA.has(code) || NODE_SOCKET_CODES.has(code) || code.startsWith("08"))) ||
    (kind && UNREACHABLE_KINDS.has(kind)) ||
    (message && UNREACHABLE_MESSAGES.some((re) => re.test(message))),
  );
}

function isOverloaded(node: object): boolean {
  const code = codeOf(node);
  const kind = stringProp(node, "kind");
  const message = stringProp(node, "message");
  return Boolean(
    (code && (OVERLOADED_CODES.has(code) || OVERLOADED_PRISMA.has(code))) ||
    (kind && OVERLOADED_KINDS.has(kind)) ||
    (message && OVERLOADED_MESSAGES.some((re) => re.test(message))),
  );
}

function stringProp(node: object, name: string): string | undefined {
  const value = (node as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

/** Visits the error, its causes and nested metadata (bounded: errors can be cyclic). */
function walk(value: unknown, depth: number, seen: Set<unknown>, visit: (node: object) => void): void {
  if (!value || typeof value !== "object" || depth > 6 || seen.has(value)) return;
  seen.add(value);
  visit(value);
  for (const key of ["cause", "originalError", "meta", "driverAdapterError", "error", "errors"]) {
    const next = (value as Record<string, unknown>)[key];
    if (Array.isArray(next)) next.slice(0, 10).forEach((n) => walk(n, depth + 1, seen, visit));
    else walk(next, depth + 1, seen, visit);
  }
}
