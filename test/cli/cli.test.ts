import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { uniqueEmail } from "../helpers/factories.ts";
import { type FreshDatabase, freshDatabase } from "../helpers/fresh-database.ts";
import { childEnv, runBin } from "../helpers/processes.ts";

/** The CLI against a database of its own (the embedded one allows one opener at a time). */
describe("the CLI", () => {
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase({ migrated: true });
  });
  afterAll(() => fresh.drop());

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { ...fresh.env, LOG_LEVEL: "silent" });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }
  const field = (text: string, name: string) => text.match(new RegExp(`^${name}: (.+)$`, "m"))?.[1];

  /** Runs fn against the CLI's database, then closes it again. */
  async function withDb<T>(fn: (db: Awaited<ReturnType<FreshDatabase["open"]>>) => Promise<T>): Promise<T> {
    const db = await fresh.open();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  it("migrate reports the schema up to date", async () => {
    expect(await cli("migrate")).toEqual({ code: 0, out: "migrations: up to date", err: "" });
  });

  it("account create makes an account with a wallet and prints its id and a token", async () => {
    const email = uniqueEmail();
    const res = await cli("account", "create", "--email", email.toUpperCase(), "--name", "Cli Creator", "--currency", "eur");
    expect(res.code).toBe(0);
    expect(field(res.out, "email")).toBe(email);
    expect(field(res.out, "token role")).toBe("OWNER");
    expect(field(res.out, "token")).toMatch(/^wgw_[A-Za-z0-9_-]{43}$/);
    const id = Number(field(res.out, "account id"));
    const account = await withDb((db) =>
      db.prisma.account.findUniqueOrThrow({ where: { id }, include: { wallet: true, currency: true } }),
    );
    expect([account.email, account.displayName, account.currency.code, account.wallet?.available]).toEqual([
      email,
      "Cli Creator",
      "EUR",
      0n,
    ]);
  });

  it("account create --master links the new account as a child, and refuses an 11th child", async () => {
    const master = await cli("account", "create", "--email", uniqueEmail("agency"), "--name", "Agency", "--currency", "USD");
    const masterId = field(master.out, "account id") as string;
    for (let i = 0; i < 10; i++) {
      const child = await cli(
        "account",
        "create",
        "--email",
        uniqueEmail("child"),
        "--name",
        `Child ${i}`,
        "--currency",
        "USD",
        "--master",
        masterId,
      );
      expect(child.code).toBe(0);
    }
    const eleventh = await cli(
      "account",
      "create",
      "--email",
      uniqueEmail("child"),
      "--name",
      "One too many",
      "--currency",
      "USD",
      "--master",
      masterId,
    );
    expect(eleventh).toEqual({
      code: 1,
      out: "",
      err: `wallet-gateway: Master ${masterId} already has 10 linked accounts (the maximum)`,
    });
    expect(await withDb((db) => db.prisma.accountGroupMember.count({ where: { masterId: Number(masterId) } }))).toBe(10);
    expect(await withDb((db) => db.prisma.account.count({ where: { displayName: "One too many" } }))).toBe(0);
  });

  it("token create issues a token with the asked role; token revoke revokes it, twice harmlessly", async () => {
    const account = await cli("account", "create", "--email", uniqueEmail(), "--name", "Roles", "--currency", "GBP");
    const accountId = field(account.out, "account id") as string;
    const created = await cli("token", "create", "--account", accountId, "--role", "viewer", "--name", "dashboards");
    expect(created.code).toBe(0);
    expect(field(created.out, "token role")).toBe("VIEWER");
    const tokenId = field(created.out, "token id") as string;
    expect(await cli("token", "revoke", tokenId)).toEqual({ code: 0, out: `token ${tokenId} revoked`, err: "" });
    expect(await cli("token", "revoke", tokenId)).toEqual({ code: 0, out: `token ${tokenId} was already revoked`, err: "" });
    const row = await withDb((db) => db.prisma.apiToken.findUniqueOrThrow({ where: { id: Number(tokenId) } }));
    expect([row.role, row.name, row.revokedAt instanceof Date]).toEqual(["VIEWER", "dashboards", true]);
  });

  it.each([
    [[], /^Usage: wallet-gateway <command>/],
    [["frobnicate"], /^wallet-gateway: unknown command "frobnicate"/],
    [["account", "create", "--name", "X", "--currency", "USD"], /^wallet-gateway: --email is required/],
    [
      ["account", "create", "--email", "a@b.io", "--name", "X", "--currency", "USD", "--role", "king"],
      /--role must be creator or service/,
    ],
    [
      ["account", "create", "--email", "not-an-email", "--name", "X", "--currency", "USD"],
      /invalid input: email: Invalid email address/,
    ],
    [
      ["account", "create", "--email", "a@b.io", "--name", "X", "--currency", "dollars"],
      /currency: must be a 3-letter ISO 4217 code/,
    ],
    [["account", "create", "--bogus", "1"], /Unknown option '--bogus'/],
    [["token", "create", "--account", "abc"], /--account must be a positive integer, got "abc"/],
    [["token", "revoke"], /token revoke needs a token id/],
    [["token", "revoke", "1", "2"], /unexpected argument 2/],
  ])("exits 2 with a usage message for bad arguments: %j", async (args, message) => {
    const res = await cli(...(args as string[]));
    expect(res.code).toBe(2);
    expect(res.err || res.out).toMatch(message);
  });

  it("refuses a token role the account cannot hold (exit 2), and unknown accounts (exit 1)", async () => {
    const account = await cli("account", "create", "--email", uniqueEmail(), "--name", "Creator", "--currency", "USD");
    const res = await cli("token", "create", "--account", field(account.out, "account id") as string, "--role", "service");
    expect(res).toEqual({
      code: 2,
      out: "",
      err: "wallet-gateway: invalid input: role: a creator account can hold OWNER, ADMIN, MEMBER, VIEWER tokens, not SERVICE",
    });
    expect(await cli("token", "create", "--account", "99999999")).toEqual({
      code: 1,
      out: "",
      err: "wallet-gateway: Account 99999999 does not exist",
    });
  });

  it("demo loads the demo data set once, then only issues fresh tokens; reconcile passes on it", async () => {
    const first = await cli("demo");
    expect(first.code).toBe(0);
    expect(first.err.split("\n")).toEqual([
      ...["maya", "jon", "agency", "ava", "leo", "isla", "sales-service"].map(
        (name, i) => `demo: account ${i + 1}/7 ${name}@demo.example`,
      ),
      "demo: writing products, links and ledger history...",
      "demo: issuing 7 tokens",
    ]);
    expect(first.out.split("\n")[0]).toBe("Demo data loaded. Tokens:");
    expect(first.out.match(/wgw_\S+/g)).toHaveLength(7);
    const second = await cli("demo");
    expect(second.out.split("\n")[0]).toBe("Demo data was already loaded; fresh tokens:");
    expect(await withDb((db) => db.prisma.account.count({ where: { email: { endsWith: "@demo.example" } } }))).toBe(7);
    const summary = await withDb(async (db) => ({
      children: await db.prisma.accountGroupMember.count({ where: { master: { email: "agency@demo.example" } } }),
      currencies: (
        await db.prisma.account.findMany({
          where: { email: { endsWith: "@demo.example" } },
          select: { currency: { select: { code: true } } },
        })
      )
        .map((a) => a.currency.code)
        .sort(),
      entries: await db.prisma.ledgerEntry.count(),
      payouts: (await db.prisma.payout.findMany({ orderBy: { id: "asc" }, select: { status: true } })).map((p) => p.status),
      referrals: await db.prisma.referral.count(),
    }));
    expect(summary.children).toBe(2);
    expect(summary.currencies).toEqual(["EUR", "GBP", "USD", "USD", "USD", "USD", "USD"]);
    expect(summary.entries).toBeGreaterThan(50);
    expect(summary.payouts).toEqual(["FAILED", "PAID", "REQUESTED"]);
    expect(summary.referrals).toBe(1);
    const reconcile = await cli("reconcile");
    expect(reconcile.code).toBe(0);
    expect(reconcile.out).toMatch(/^reconcile: OK, \d+ wallets, every bucket equals the sum of its ledger entries$/);
  });

  it("reconcile exits 1 and reports the wallet, bucket and difference when a bucket is corrupted", async () => {
    const account = await cli("account", "create", "--email", uniqueEmail("victim"), "--name", "Victim", "--currency", "USD");
    const accountId = Number(field(account.out, "account id"));
    const wallet = await withDb((db) => db.prisma.wallet.update({ where: { accountId }, data: { hold: { increment: 250 } } }));
    const res = await cli("reconcile");
    expect(res.code).toBe(1);
    expect(res.out).toContain("reconcile: 1 mismatch(es) in");
    expect(res.out).toContain(
      `wallet ${wallet.id} (account ${accountId}, ${field(account.out, "email")}) hold: wallet says 250, ledger sums to 0 (difference 250)`,
    );
    await withDb((db) => db.prisma.wallet.update({ where: { accountId }, data: { hold: 0n } }));
    expect((await cli("reconcile")).code).toBe(0);
  });

  it("hold-release moves sales past the hold period to available, once", async () => {
    const account = await cli("account", "create", "--email", uniqueEmail("held"), "--name", "Held", "--currency", "USD");
    const accountId = Number(field(account.out, "account id"));
    const service = await cli(
      "account",
      "create",
      "--email",
      uniqueEmail("svc"),
      "--name",
      "Svc",
      "--currency",
      "USD",
      "--role",
      "service",
    );
    await withDb(async (db) => {
      const { recordSale } = await import("../../src/modules/wallet/sale.service.ts");
      await recordSale(db, Number(field(service.out, "account id")), {
        accountId,
        amount: 4321,
        externalId: "cli-sale-1",
      });
    });
    expect(await cli("hold-release", "--account", String(accountId))).toEqual({
      code: 0,
      out: "released 0 sale(s) older than 7 day(s) in 0 wallet(s)",
      err: "",
    });
    const released = await cli("hold-release", "--days", "0", "--account", String(accountId));
    expect(released.out).toBe("released 1 sale(s) older than 0 day(s) in 1 wallet(s): 4321 USD (minor units)");
    expect(released.err).toBe("released 1 sales in 1 wallets so far");
    expect((await cli("hold-release", "--days", "0", "--account", String(accountId))).out).toContain("released 0 sale(s)");
    const wallet = await withDb((db) => db.prisma.wallet.findUniqueOrThrow({ where: { accountId } }));
    expect([wallet.available, wallet.hold]).toEqual([4321n, 0n]);
    expect((await cli("hold-release", "--days", "-1")).code).toBe(2);
    expect(await cli("hold-release", "--account", "999999")).toEqual({
      code: 1,
      out: "",
      err: "wallet-gateway: Account 999999 does not exist",
    });
  });

  it("--json prints one JSON document of the result on stdout; progress stays on stderr", async () => {
    const account = await cli(
      "--json",
      "account",
      "create",
      "--email",
      uniqueEmail("json"),
      "--name",
      "Json",
      "--currency",
      "GBP",
    );
    const created = JSON.parse(account.out) as {
      accountId: number;
      walletId: number;
      token: { id: number; role: string; token: string };
    };
    expect(created).toEqual({
      accountId: expect.any(Number),
      email: expect.stringMatching(/^json/),
      walletId: expect.any(Number),
      token: { id: expect.any(Number), role: "OWNER", token: expect.stringMatching(/^wgw_/) },
    });
    expect(account.err).toBe("The token is shown once; only its hash is stored.");
    expect(JSON.parse((await cli("hold-release", "--json", "--days", "0", "--account", String(created.accountId))).out)).toEqual({
      holdPeriodDays: 0,
      walletsReleased: 0,
      salesReleased: 0,
      released: [],
    });
    expect(JSON.parse((await cli("token", "revoke", String(created.token.id), "--json")).out)).toEqual({
      tokenId: created.token.id,
      revoked: true,
      alreadyRevoked: false,
    });
    const reconcile = await cli("reconcile", "--json");
    expect(JSON.parse(reconcile.out)).toEqual({
      ok: true,
      walletsChecked: expect.any(Number),
      mismatches: [],
      rollupMismatches: [],
    });
    expect(reconcile.err).toMatch(/^reconcile: summing the ledger per wallet and bucket\.\.\.\nreconcile: \d+ wallets checked/);
  });

  it("works as a real process through the package bin, with exit codes", async () => {
    const ok = runBin(
      ["account", "create", "--email", uniqueEmail("bin"), "--name", "Bin", "--currency", "USD"],
      childEnv({ ...fresh.env }),
    );
    expect(await ok.exited).toBe(0);
    expect(ok.stdout()).toMatch(/^account id: \d+$/m);
    // Logs (here at info) go to stderr: stdout holds only the result.
    const migrate = runBin(["migrate"], childEnv({ ...fresh.env, LOG_LEVEL: "info" }));
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout()).toBe("migrations: up to date\n");
    expect(migrate.stderr()).toContain('"msg":"database schema is up to date"');
    const json = runBin(["migrate", "--json"], childEnv({ ...fresh.env, LOG_LEVEL: "info" }));
    expect(await json.exited).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual({ upToDate: true });
    const bad = runBin(["token", "create"], childEnv({ ...fresh.env }));
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toContain("wallet-gateway: --account is required");
    // Four real processes, each loading the TypeScript sources and opening the database: on a
    // shared machine whose CPU is partly stolen this took over a minute.
  }, 180_000);
});
