import { parseArgs } from "node:util";
import { formatDemoTokens } from "../bootstrap.ts";
import type { Database } from "../db/database.ts";
import type { TokenRole } from "../generated/prisma/enums.ts";
import { createAccount } from "../modules/accounts/account.service.ts";
import { type IssuedToken, issueToken, revokeToken } from "../modules/accounts/token.service.ts";
import { loadDemoData } from "../modules/demo/demo-data.ts";
import { formatReconcileReport, reconcile } from "../modules/ledger/reconcile.ts";
import { releaseHolds } from "../modules/wallet/hold-release.service.ts";
import { UsageError } from "./usage.ts";

export type Output = { out(line: string): void; err(line: string): void };
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
    io.out(`account id: ${account.id}`);
    io.out(`email: ${account.email}`);
    io.out(`wallet id: ${account.walletId}`);
    return printToken(io, token);
  };
};

function printToken(io: Output, token: IssuedToken): number {
  io.out(`token id: ${token.id}`);
  io.out(`token role: ${token.role}`);
  io.out(`token: ${token.token}`);
  io.err("The token is shown once; only its hash is stored.");
  return 0;
}

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
    return printToken(io, token);
  };
};

export const tokenRevoke: Command = (args) => {
  const { positionals } = parse(args, [], 1);
  if (!positionals[0]) throw new UsageError("token revoke needs a token id");
  const id = positiveInt(positionals[0], "the token id");
  return async (db, io) => {
    const { alreadyRevoked } = await revokeToken(db.prisma, id);
    io.out(alreadyRevoked ? `token ${id} was already revoked` : `token ${id} revoked`);
    return 0;
  };
};

export const migrateCommand: Command = (args) => {
  parse(args, []);
  // Opening the database has applied pending migrations already.
  return async (_db, io) => {
    io.out("migrations: up to date");
    return 0;
  };
};

export const demo: Command = (args) => {
  parse(args, []);
  return async (db, io) => {
    const { created, tokens } = await loadDemoData(db.prisma);
    io.out(created ? "Demo data loaded. Tokens:" : "Demo data was already loaded; fresh tokens:");
    io.out(formatDemoTokens(tokens));
    return 0;
  };
};

export const holdRelease: Command = (args) => {
  const { values } = parse(args, ["days", "account"]);
  const days = values.days === undefined ? undefined : nonNegativeInt(values.days, "--days");
  const accountId = values.account === undefined ? undefined : positiveInt(values.account, "--account");
  return async (db, io) => {
    const holdPeriodDays = days ?? db.holdPeriodDays;
    const result = await releaseHolds(db.prisma, {
      holdPeriodMs: holdPeriodDays * 86_400_000,
      ...(accountId ? { accountId } : {}),
      onProgress: (message) => io.err(message),
    });
    const amounts = result.released.map((r) => `${r.minor} ${r.currencyCode}`).join(", ");
    io.out(
      `released ${result.salesReleased} sale(s) older than ${holdPeriodDays} day(s) in ${result.walletsReleased} wallet(s)` +
        (amounts ? `: ${amounts} (minor units)` : ""),
    );
    return 0;
  };
};

export const reconcileCommand: Command = (args) => {
  parse(args, []);
  return async (db, io) => {
    const report = await reconcile(db.prisma);
    io.out(formatReconcileReport(report));
    return report.mismatches.length === 0 && report.rollupMismatches.length === 0 ? 0 : 1;
  };
};
