import { randomUUID } from "node:crypto";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { gql, startServer } from "../helpers/app.ts";
import { POSTGRES_URL, testDatabase } from "../helpers/db.ts";
import { createCreator, uniqueEmail } from "../helpers/factories.ts";
import { legacy } from "../helpers/legacy.ts";
import { createService } from "../helpers/money.ts";

// PostgreSQL only: another session inserts the same unique value and commits only once the
// request has checked (and not seen it) and is waiting on the unique index behind it.
describe("a unique value another session commits while the request waits on it", () => {
  let db: Database;
  let url: string;

  beforeAll(async () => {
    db = await testDatabase();
    ({ url } = await startServer(db));
  });

  /** Runs `insert` in an open transaction, starts `request`, commits once the request waits on that transaction. */
  async function commitWhileWaiting<T>(insert: (client: pg.Client) => Promise<unknown>, request: () => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query("BEGIN");
      await insert(client);
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const answer = request();
      for (let waited = 0; ; waited += 20) {
        const blocked = await db.prisma.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${rows[0]!.pid}::int = ANY (pg_blocking_pids(pid))`;
        if (blocked[0]!.n > 0) break;
        if (waited > 5_000) throw new Error("the request never waited on the held insert");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query("COMMIT");
      return await answer;
    } finally {
      await client.end();
    }
  }

  it("a sign-up whose email was just committed by another is told the email is taken (422), not a 500", async () => {
    const email = uniqueEmail("raced");
    const res = await commitWhileWaiting(
      (client) =>
        client.query(
          `INSERT INTO accounts (email, display_name, slug, currency_id)
           SELECT $1, 'Raced', $2, id FROM currencies WHERE code = 'USD'`,
          [email, `raced-${randomUUID()}`],
        ),
      () => legacy(url, "/api/register", { body: { email, password: "correct horse", display_name: "Raced", currency: "USD" } }),
    );
    expect(res).toEqual({
      status: 422,
      body: { success: false, errors_message: `An account with email ${email} already exists`, data: null },
    });
    expect(await db.prisma.account.count({ where: { email } })).toBe(1);
  });

  it("a short link whose slug was just committed by another is a slug validation error, not a 500", async () => {
    const service = await createService(db);
    const owner = await createCreator(db);
    const slug = `raced-${randomUUID().slice(0, 12)}`;
    const res = await commitWhileWaiting(
      (client) => client.query("INSERT INTO short_links (account_id, slug) VALUES ($1, $2)", [owner.id, slug]),
      () =>
        gql(
          url,
          `mutation { createShortLink(input: { accountId: ${owner.id}, slug: "${slug}" }) {
            __typename ... on ValidationError { fields { field message } } } }`,
          { token: service.token },
        ),
    );
    expect(res).toEqual({
      status: 200,
      body: {
        data: { createShortLink: { __typename: "ValidationError", fields: [{ field: "slug", message: "is already taken" }] } },
      },
    });
    expect(await db.prisma.shortLink.count({ where: { slug } })).toBe(1);
  });

  it("a child another master linked meanwhile is refused as already linked (422), not a 500", async () => {
    const [first, second, kid] = [await createCreator(db), await createCreator(db), await createCreator(db)];
    const res = await commitWhileWaiting(
      (client) => client.query("INSERT INTO account_group_members (master_id, child_id) VALUES ($1, $2)", [first.id, kid.id]),
      () => legacy(url, "/api/user/linked-accounts", { token: second.token, body: { token: kid.token } }),
    );
    expect(res).toEqual({
      status: 422,
      body: { success: false, errors_message: `Account ${kid.id} is already linked to another master`, data: null },
    });
    expect(await db.prisma.accountGroupMember.findMany({ where: { childId: kid.id }, select: { masterId: true } })).toEqual([
      { masterId: first.id },
    ]);
  });
});
