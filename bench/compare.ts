// Gateway configurations against each other on the bench's question (GraphQL, c=10), interleaved:
// each configuration is a gateway process of its own, started in turn, warmed up 3 s, driven 8 s,
// ROUNDS times (default 3). A configuration is Node flags, environment variables and/or a bundle
// to run instead of dist/server/server.js (a copy of an earlier build, named *.js, in dist/server/),
// each with the defaults users run (limits on, info logging; a read tier wide enough for the run), e.g.
//   DATABASE_URL=postgres://... npx tsx bench/compare.ts "GRAPHQL_JIT=off" "GRAPHQL_JIT=on"
//   DATABASE_URL=postgres://... npx tsx bench/compare.ts "" "--enable-source-maps"
// Uses the data set `npm run bench` loads.
import { buildServer } from "../scripts/build.mjs";
import { childEnv, run } from "../test/helpers/processes.ts";
import { loadDataset } from "./dataset.ts";
import { drive, postmasterOf } from "./load.ts";
import { QUERY } from "./paths.ts";
import { openBench } from "./setup.ts";

const configs = process.argv.slice(2);
if (configs.length < 2) throw new Error('name two configurations or more, e.g. "GRAPHQL_JIT=off" "GRAPHQL_JIT=on"');
const rounds = Number(process.env.ROUNDS ?? 3);
const { url, db } = await openBench(2);
const { tokens } = await loadDataset(db);
const postmaster = await postmasterOf(db);
await db.close();
await buildServer();

const results = new Map<string, string[]>(configs.map((c) => [c, []]));
for (let round = 0; round < rounds; round++) {
  for (const [i, config] of configs.entries()) {
    const parts = config.split(" ").filter(Boolean);
    const flags = parts.filter((p) => p.startsWith("--"));
    const bundle = parts.find((p) => p.endsWith(".js")) ?? "dist/server/server.js";
    const env = Object.fromEntries(
      parts.filter((p) => p.includes("=") && !p.startsWith("--")).map((p) => p.split("=", 2) as [string, string]),
    );
    const port = 4330 + i;
    const server = run(
      process.execPath,
      [...flags, bundle],
      // The defaults users run (limits on, info logging), with a read tier wide enough for the run.
      childEnv({
        DATABASE_URL: url,
        PORT: String(port),
        HOST: "127.0.0.1",
        RATE_LIMIT_READ_PER_MINUTE: "1000000000",
        RATE_LIMIT_READ_PER_HOUR: "1000000000",
        ...env,
      }),
    );
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`gateway exited: ${server.stderr()}`);
      if (
        await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const target = {
      name: config,
      pid: server.child.pid!,
      postmaster,
      url: `http://127.0.0.1:${port}/graphql`,
      method: "POST" as const,
      body: JSON.stringify({ query: QUERY }),
      token: () => tokens[Math.floor(Math.random() * tokens.length)]!,
    };
    await drive(target, 10, 3);
    const r = await drive(target, 10, 8);
    results
      .get(config)!
      .push(
        `${Math.round(r.rps)} req/s, ${r.cpuPerRequestMs.toFixed(2)} ms CPU/req, PostgreSQL ${r.postgresCpuPerRequestMs.toFixed(2)} ms/req, RSS ${r.rssMb.toFixed(0)} MB${r.errors ? `, ${r.errors} ERRORS` : ""}`,
      );
    process.stderr.write(`  round ${round + 1} "${config}": ${results.get(config)!.at(-1)}\n`);
    server.child.kill("SIGTERM");
    await server.exited;
  }
}
for (const [config, lines] of results) process.stdout.write(`"${config || "(defaults)"}": ${lines.join(" | ")}\n`);
