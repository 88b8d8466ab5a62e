import { parseArgs } from "node:util";
import { formatDemoTokens } from "../bootstrap.ts";
import type { Database } from "../db/database.ts";
import type { TokenRole } from "../generated/prisma/enums.ts";
import { createAccount, getAccount } from "../modules/accounts/account.service.ts";
import { type IssuedToken, issueToken, revokeToken } from "../modules/accounts/token.service.ts";
import { loadDemoData } from "../modules/demo/demo-data.ts";
import { formatReconcileReport, reconcile } from "../modules/ledger/reconcile.ts";
import { releaseHolds } from "../modules/wallet/hold-release.service.ts";
import { UsageError } from "./usage.ts";

/**
 * Where a command writes: `out` is stdout (results only), `err` is stderr (progress, notes,
 * errors). With --json a command prints one JSON document on stdout instead of its text.
 */
export type Output = { out(line: string): void; err(line: string): void; json?: boolean };

/** Prints a command's result: its text for people, or (with --json) its data for scripts. */
function result(io: Output, text: string, data: unknown): void {
  io.out(io.json ? JSON.stringify(data, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) : text);
}
/** Parses its arguments first (usage errors never wait for the database), then runs. */
export type Command = (args: string[]) => (db: Database & { holdPeriodDays: number }, io: Output) => Promise<number>;

const TOKEN_ROLES = ["owner", "admin", "member", "viewer", "service"];

type Parsed = {
  values: Record<string, string | undefined>;
  positionals: string[];
};

/** Every option here takes a string value; unknown options are usage errors. */
function parse(args: string[], names: string[], positionals = 0): Parsed {
  try {
    const options = Object.fromEntries(names.map((n) => [n, { type: "string" as const }]));
    const parsed = parseArgs({
      args,
      options,
      allowPositionals: positionals > 0,
      strict: true,
    });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument ${parsed.positionals[positionals]}`);
    return {
      values: parsed.values as Record<string, string | undefined>,
      positionals: parsed.positionals,
    };
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} is required`);
  return value;
}

function positiveInt(value: string, what: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw new UsageError(`${what} must be a positive integer, got "${value}"`);
  return Number(value);
}

function nonNegativeInt(value: string, what: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new UsageError(`${what} must be a whole number of days, got "${value}"`);
  return Number(value);
}

function tokenRole(value: string | undefined): TokenRole | undefined {
  if (value === undefined) return undefined;
  if (!TOKEN_ROLES.includes(value.toLowerCase())) throw new UsageError(`--role must be one of ${TOKEN_ROLES.join(", ")}`);
  return value.toUpperCase() as TokenRole;
}

export const accountCreate: Command = (args) => {
  const { values } = parse(args, ["email", "name", "currency", "role", "master", "logo"]);
  const role = (values.role ?? "creator").toLowerCase();
  if (role !== "creator" && role !== "service") throw new UsageError("--role must be creator or service");
  const input = {
    email: required(values, "email"),
    displayName: required(values, "name"),
    currency: required(values, "currency"),
    role: role === "service" ? ("SERVICE" as const) : ("CREATOR" as const),
    ...(values.logo ? { logoUrl: values.logo } : {}),
    ...(values.master ? { masterId: positiveInt(values.master, "--master") } : {}),
  };
  return async (db, io) => {
    const account = await createAccount(db.prisma, input);
    const token = await issueToken(db.prisma, {
      accountId: account.id,
      name: "cli",
    });
    result(
      io,
      [`account id: ${account.id}`, `email: ${account.email}`, `wallet id: ${account.walletId}`, tokenText(token)].join("\n"),
      { accountId: account.id, email: account.email, walletId: account.walletId, token: tokenData(token) },
    );
    io.err("The token is shown once; only its hash is stored.");
    return 0;
  };
};

const tokenText = (token: IssuedToken) => `token id: ${token.id}\ntoken role: ${token.role}\ntoken: ${token.token}`;
const tokenData = (token: IssuedToken) => ({ id: token.id, role: token.role, token: token.token });

export const tokenCreate: Command = (args) => {
  const { values } = parse(args, ["account", "role", "name"]);
  const accountId = positiveInt(required(values, "account"), "--account");
  const role = tokenRole(values.role);
  return async (db, io) => {
    const token = await issueToken(db.prisma, {
      accountId,
      ...(role ? { role } : {}),
      ...(values.name ? { name: values.name } : {}),
    });
    result(io, tokenText(token), tokenData(token));
    io.err("The token is shown once; only its hash is stored.");
    return 0;
  };
};

export const tokenRevoke: Command = (args) => {
  const { positionals } = parse(args, [], 1);
  if (!positionals[0]) throw new UsageError("token revoke needs a token id");
  const id = positiveInt(positionals[0], "the token id");
  return async (db, io) => {
    const { alreadyRevoked } = await revokeToken(db.prisma, id);
    result(io, alreadyRevoked ? `token ${id} was already revoked` : `token ${id} revoked`, {
      tokenId: id,
      revoked: true,
      alreadyRevoked,
    });
    return 0;
  };
};

export const migrateCommand: Command = (args) => {
  parse(args, []);
  // Opening the database has applied pending migrations already.
  return async (_db, io) => {
    result(io, "migrations: up to date", { upToDate: true });
    return 0;
  };
};

export const demo: Command = (args) => {
  parse(args, []);
  return async (db, io) => {
    const { created, tokens } = await loadDemoData(db, { onProgress: (message) => io.err(message) });
    const heading = created ? "Demo data loaded. Tokens:" : "Demo data was already loaded; fresh tokens:";
    result(io, `${heading}\n${formatDemoTokens(tokens)}`, { created, tokens });
    return 0;
  };
};

export const holdRelease: Command = (args) => {
  const { values } = parse(args, ["days", "account"]);
  const days = values.days === undefined ? undefined : nonNegativeInt(values.days, "--days");
  const accountId = values.account === undefined ? undefined : positiveInt(values.account, "--account");
  return async (db, io) => {
    const holdPeriodDays = days ?? db.holdPeriodDays;
    if (accountId !== undefined) await getAccount(db.prisma, accountId); // an unknown account fails (exit 1)
    const released = await releaseHolds(db, {
      holdPeriodMs: holdPeriodDays * 86_400_000,
      ...(accountId ? { accountId } : {}),
      onProgress: (message) => io.err(message),
    });
    const amounts = released.released.map((r) => `${r.minor} ${r.currencyCode}`).join(", ");
    result(
      io,
      `released ${released.salesReleased} sale(s) older than ${holdPeriodDays} day(s) in ${released.walletsReleased} wallet(s)` +
        (amounts ? `: ${amounts} (minor units)` : ""),
      {
        holdPeriodDays,
        walletsReleased: released.walletsReleased,
        salesReleased: released.salesReleased,
        released: released.released.map((r) => ({ currency: r.currencyCode, amount: r.minor })),
      },
    );
    return 0;
  };
};

export const reconcileCommand: Command = (args) => {
  parse(args, []);
  return async (db, io) => {
    const report = await reconcile(db.prisma, { onProgress: (message) => io.err(message) });
    result(io, formatReconcileReport(report), {
      ok: report.mismatches.length === 0 && report.rollupMismatches.length === 0,
      ...report,
    });
    return report.mismatches.length === 0 && report.rollupMismatches.length === 0 ? 0 : 1;
  };
};
