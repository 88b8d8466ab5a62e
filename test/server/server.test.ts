import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copyTemplate, DB_KIND } from "../helpers/db.ts";
import { freshDatabase } from "../helpers/fresh-database.ts";
import { childEnv, runBin, runServer, waitFor } from "../helpers/processes.ts";

const UP = /Wallet gateway is up\. GraphiQL: (http:\/\/127\.0\.0\.1:\d+)\/graphql/;

describe("the server process (npm start) on a real socket", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  it("first start on the embedded database: migrates, loads demo data, prints working tokens, serves GraphiQL and health; SIGTERM stops it cleanly", async () => {
    const dir = copyTemplate();
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = runServer(childEnv({ DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1" }));
    cleanup.push(() => void server.child.kill("SIGKILL"));
    const [, base] = await waitFor(server, /Demo data loaded[\s\S]*shown once/).then(
      () => server.stdout().match(UP) as RegExpMatchArray,
    );
    const tokens = [...server.stdout().matchAll(/^\s+(\S+@demo\.example)\s+#(\d+) (\w{3})\s+(wgw_\S+)$/gm)];
    expect(tokens.map((t) => [t[1], t[3]])).toEqual([
      ["maya@demo.example", "USD"],
      ["jon@demo.example", "USD"],
      ["agency@demo.example", "USD"],
      ["ava@demo.example", "USD"],
      ["leo@demo.example", "EUR"],
      ["isla@demo.example", "GBP"],
      ["sales-service@demo.example", "USD"],
    ]);

    const viewer = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens[0]?.[4]}` },
      body: JSON.stringify({ query: "{ viewer { account { email displayName currency { code } } } }" }),
    });
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await viewer.json()).toEqual({
      data: { viewer: { account: { email: "maya@demo.example", displayName: "Maya Lopez", currency: { code: "USD" } } } },
    });

    const graphiql = await fetch(`${base}/graphql`, { headers: { accept: "text/html" } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain("<title>Wallet gateway</title>");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const traced = await fetch(`${base}/healthz`, { headers: { "x-request-id": "trace-42" } });
    expect(traced.headers.get("x-request-id")).toBe("trace-42");

    // Every request is logged as one JSON line with its request id (written just after the response).
    const [logLine] = await waitFor(server, /^\{.*"requestId":"trace-42".*\}$/m);
    expect(JSON.parse(logLine)).toMatchObject({
      msg: "request",
      requestId: "trace-42",
      method: "GET",
      path: "/healthz",
      status: 200,
    });

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/"msg":"stopped"/);
    expect(fs.existsSync(path.join(dir, "gateway.lock"))).toBe(false);
  });

  it("a second process on the same DATA_DIR fails at once, naming the process that holds it", async () => {
    const dir = copyTemplate();
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = childEnv({ DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", LOAD_DEMO_DATA: "false" });
    const first = runServer(env);
    cleanup.push(() => void first.child.kill("SIGKILL"));
    await waitFor(first, UP);
    const holder = JSON.parse(fs.readFileSync(path.join(dir, "gateway.lock"), "utf8")).pid;

    const second = runServer(env);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`The data directory ${dir} is in use by process ${holder}`);
    const cli = runBin(["reconcile"], env);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain(`is in use by process ${holder}`);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  });

  it("with DATABASE_URL (or LOAD_DEMO_DATA=false) never loads demo data", async () => {
    const fresh = await freshDatabase({ migrated: true });
    cleanup.push(() => fresh.drop());
    const env = DB_KIND === "postgres" ? { ...fresh.env } : { ...fresh.env, LOAD_DEMO_DATA: "false" };
    const server = runServer(childEnv({ ...env, PORT: "0", HOST: "127.0.0.1" }));
    cleanup.push(() => void server.child.kill("SIGKILL"));
    const [, base] = await waitFor(server, UP);
    expect(server.stdout()).not.toContain("Demo data loaded");
    expect(server.stdout()).toContain(
      "The database has no accounts yet. Load the demo data set and get tokens with `npm run cli -- demo`",
    );
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const db = await fresh.open();
    expect(await db.prisma.account.count()).toBe(0);
    await db.close();
  });

  it("a DATABASE_URL it cannot use fails the start with one line naming the server (password hidden), no stack", async () => {
    const server = runServer(childEnv({ DATABASE_URL: "postgres://nobody:s3cret@127.0.0.1:1/none", PORT: "0" }));
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toBe(
      "wallet-gateway: cannot use PostgreSQL at postgres://nobody:***@127.0.0.1:1/none: connect ECONNREFUSED 127.0.0.1:1. " +
        "Check DATABASE_URL, that the server runs, and that the role and database exist (README, PostgreSQL).\n",
    );
  });

  it("refuses to start on invalid configuration, naming every bad variable", async () => {
    const server = runServer(childEnv({ PORT: "eighty", DATABASE_URL: "mysql://nope", LOG_LEVEL: "loud" }));
    expect(await server.exited).toBe(1);
    const err = server.stderr();
    expect(err).toContain("wallet-gateway: Invalid configuration:");
    expect(err).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(err).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(err).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
    expect(err).not.toMatch(/at \S+ \(/);
  });

  it("refuses read replicas that are not PostgreSQL URLs, and read replicas without a primary", async () => {
    const bad = runServer(
      childEnv({
        DATABASE_URL: "postgres://a@127.0.0.1:1/x",
        DATABASE_READ_URLS: "postgres://b@127.0.0.1:2/x, mysql://c",
        PORT: "0",
      }),
    );
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toMatch(/DATABASE_READ_URLS\.1: each must be a postgres:\/\/ or postgresql:\/\/ URL/);
    const alone = runServer(childEnv({ DATABASE_READ_URLS: "postgres://b@127.0.0.1:2/x", PORT: "0" }));
    expect(await alone.exited).toBe(1);
    expect(alone.stderr()).toBe(
      "wallet-gateway: Invalid configuration:\n  DATABASE_READ_URLS: read replicas need DATABASE_URL (the primary they stream from)\n",
    );
  });
});
