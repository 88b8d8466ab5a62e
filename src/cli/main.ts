import { pino } from "pino";
import { DatabaseConnectError, openMigratedDatabase } from "../bootstrap.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { MigrationError } from "../db/migrate.ts";
import { createLogger } from "../logger.ts";
import { DomainError, ValidationError } from "../modules/errors.ts";
import {
  accountCreate,
  type Command,
  demo,
  holdRelease,
  migrateCommand,
  type Output,
  reconcileCommand,
  tokenCreate,
  tokenRevoke,
} from "./commands.ts";
import { USAGE, UsageError } from "./usage.ts";

const COMMANDS: Record<string, Command> = {
  "account create": accountCreate,
  "token create": tokenCreate,
  "token revoke": tokenRevoke,
  migrate: migrateCommand,
  demo,
  reconcile: reconcileCommand,
  "hold-release": holdRelease,
};

function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  const two = argv.slice(0, 2).join(" ");
  if (COMMANDS[two]) return { command: COMMANDS[two], rest: argv.slice(2) };
  const one = argv[0];
  if (one && COMMANDS[one]) return { command: COMMANDS[one], rest: argv.slice(1) };
  return null;
}

export async function runCli(args: string[], output: Output, env = process.env): Promise<number> {
  const argv = args.filter((a) => a !== "--json");
  const io: Output = { ...output, json: argv.length < args.length };
  if (argv.length === 0 || argv[0] === "help" || argv.includes("--help") || argv.includes("-h")) {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`wallet-gateway: unknown command "${argv.slice(0, 2).join(" ")}"\n\n${USAGE}`);
    return 2;
  }
  let db: Awaited<ReturnType<typeof openMigratedDatabase>> | undefined;
  try {
    const run = found.command(found.rest);
    const config = loadConfig(env);
    // Logs and progress go to stderr, so stdout holds only results (parseable with --json).
    const logger = createLogger(env.LOG_LEVEL ?? "warn", pino.destination({ dest: 2, sync: true }));
    db = await openMigratedDatabase(config, logger);
    return await run(Object.assign(db, { holdPeriodDays: config.holdPeriodDays }), io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`wallet-gateway: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ValidationError) {
      io.err(`wallet-gateway: invalid input: ${err.message}`);
      return 2;
    }
    if (
      err instanceof DomainError ||
      err instanceof ConfigError ||
      err instanceof DataDirLockedError ||
      err instanceof MigrationError ||
      err instanceof DatabaseConnectError
    ) {
      io.err(`wallet-gateway: ${err.message}`);
      return 1;
    }
    io.err(`wallet-gateway: unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  } finally {
    await db?.close();
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("src/cli/main.ts");
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
