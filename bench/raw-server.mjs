// The baseline the gateway is measured against: node:http + pg, one hand-written SQL statement
// answering the same question (the token's wallet buckets + its 20 newest visible entries +
// whether more follow). Plain JavaScript run by `node`, no framework. Prints "listening <url>".
import { createHash } from "node:crypto";
import http from "node:http";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const SQL = `
  SELECT w.available::text AS available, w.hold::text AS hold, w.pending::text AS pending,
    (SELECT coalesce(json_agg(p), '[]') FROM (
      SELECT e.id, e.amount::text AS amount, e.type, e.created_at AS "createdAt"
      FROM ledger_entries e WHERE e.wallet_id = w.id AND e.visible
      ORDER BY e.created_at DESC, e.id DESC LIMIT 21) p) AS page
  FROM api_tokens t JOIN wallets w ON w.account_id = t.account_id
  WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`;

const server = http.createServer(async (req, res) => {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!token) {
    res.writeHead(401).end();
    return;
  }
  try {
    const hash = createHash("sha256").update(token).digest("hex");
    const { rows } = await pool.query({ name: "wallet-page", text: SQL, values: [hash] });
    if (rows.length === 0) {
      res.writeHead(401).end();
      return;
    }
    const { available, hold, pending, page } = rows[0];
    const body = JSON.stringify({ available, hold, pending, transactions: page.slice(0, 20), hasNextPage: page.length > 20 });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => pool.end().then(() => process.exit(0))));
