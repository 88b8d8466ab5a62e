export const USAGE = `Usage: wallet-gateway <command> [options]     (from a checkout: npm run cli -- <command>)

Commands:
  account create --email <email> --name <display name> --currency <ISO code>
                 [--role creator|service] [--master <account id>] [--logo <url>]
                                  create an account and its wallet; prints its id and a token
  token create --account <id> [--role owner|admin|member|viewer|service] [--name <label>]
                                  issue a token (shown once; stored only as a SHA-256 hash)
  token revoke <token id>         revoke a token
  migrate                         apply pending database migrations
  demo                            load the demo data set (or issue fresh demo tokens)
  hold-release [--days <n>] [--account <id>]
                                  move sales older than the hold period (HOLD_PERIOD_DAYS,
                                  default 7) from hold to available; safe to repeat
  reconcile                       check every wallet bucket (and the daily report rollups)
                                  against the ledger entries
                                  (exit code 1 and a report on any mismatch)

Options for every command:
  --json                          print the result as one JSON document (for scripts)

Results go to stdout; logs (LOG_LEVEL, default warn), progress and errors to stderr.
The database is chosen like the server's: DATABASE_URL, or the embedded one under DATA_DIR.
Exit codes: 0 success, 1 failure (e.g. an unknown account), 2 bad arguments.`;

export class UsageError extends Error {
  override name = "UsageError";
}
