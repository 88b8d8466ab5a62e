import { beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { buildApp } from "../helpers/app.ts";
import { testDatabase } from "../helpers/db.ts";
import { createCreator } from "../helpers/factories.ts";
import { countStatements } from "../helpers/statements.ts";

describe("SQL statement counting", () => {
  let db: Database;
  beforeAll(async () => {
    db = await testDatabase();
  });

  it("counts the statements of one request: token lookup, then account and currency in one joined query", async () => {
    const me = await createCreator(db);
    const app = buildApp(db);
    const { result, count, statements } = await countStatements(db, async () => {
      const res = await app.fetch("http://test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${me.token}` },
        body: JSON.stringify({ query: "{ viewer { account { email currency { code symbol } } } }" }),
      });
      return res.json();
    });
    expect(result).toEqual({ data: { viewer: { account: { email: me.email, currency: { code: "USD", symbol: "$" } } } } });
    expect(statements[0]).toMatch(/FROM api_tokens WHERE token_hash = \$1/);
    expect(count).toBe(2);
  });
});
