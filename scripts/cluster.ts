// `npm run cluster -- up|down|status`: the whole topology on this machine's loopback, from Debian's
// packages: a PostgreSQL primary, one streaming standby made with pg_basebackup, two gateways
// (the production build) reading from the standby, and nginx in front of them. Prints the
// addresses; `down` stops everything and removes the cluster's directory.
//
// CLUSTER_DIR (default: <tmp>/wallet-cluster, /tmp/wallet-cluster as root), CLUSTER_PORT_BASE (default 55400: nginx on +0,
// the gateways on +1 and +2, the primary on +10, the standby on +11), CLUSTER_STANDBY_DELAY_MS
// (recovery_min_apply_delay, default 0: a standby behind on purpose, for the read-your-writes
// scenario), CLUSTER_GATEWAY_ENV (extra KEY=VALUE pairs for both gateways, space-separated).
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, bundleIsUpToDate, SERVER_BUNDLE } from "./build.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** PostgreSQL refuses to run as root: as root, its commands run as the postgres user. */
const asRoot = process.getuid?.() === 0;
// As root, under /tmp: the postgres user must reach its data directories (a private TMPDIR would not do).
const DIR = process.env.CLUSTER_DIR ?? path.join(asRoot ? "/tmp" : tmpdir(), "wallet-cluster");
const BASE = Number(process.env.CLUSTER_PORT_BASE ?? 55400);
const DELAY_MS = Number(process.env.CLUSTER_STANDBY_DELAY_MS ?? 0);
const PORTS = { nginx: BASE, gateways: [BASE + 1, BASE + 2], primary: BASE + 10, standby: BASE + 11 };
const ROLE = "wallet";
const url = (port: number) => `postgres://${ROLE}@127.0.0.1:${port}/wallet`;

/** nginx's access log (paths without their query strings). */
export const ACCESS_LOG = path.join(DIR, "nginx-access.log");

export type ClusterAddresses = {
  balancer: string;
  gateways: string[];
  primary: string;
  standby: string;
  dir: string;
};

export const ADDRESSES: ClusterAddresses = {
  balancer: `http://127.0.0.1:${PORTS.nginx}`,
  gateways: PORTS.gateways.map((p) => `http://127.0.0.1:${p}`),
  primary: url(PORTS.primary),
  standby: url(PORTS.standby),
  dir: DIR,
};

const say = (line: string) => process.stderr.write(`${line}\n`);

/** PostgreSQL's server binaries (Debian keeps them out of PATH), newest version first. */
function pgBin(name: string): string {
  const versions = readdirSync("/usr/lib/postgresql")
    .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/${name}`))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`${name} not found: install Debian's postgresql package`);
  return `/usr/lib/postgresql/${versions[0]}/bin/${name}`;
}

function pg(name: string, args: string[]): string {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", pgBin(name), ...args]] : [pgBin(name), args];
  return command(cmd, argv);
}

/** Runs a command; a failure says which and what it printed (not a dump of buffers). */
function command(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer | string }).stderr?.toString().trim();
    throw new Error(
      `${path.basename(args.find((a) => a.startsWith("/usr/lib/postgresql")) ?? cmd)} failed: ${stderr || (err as Error).message}`,
      { cause: err },
    );
  }
}

function writeAsPostgres(file: string, text: string): void {
  writeFileSync(file, text);
  if (asRoot) execFileSync("chown", ["postgres:postgres", file]);
}

function startPostgres(name: "primary" | "standby"): void {
  const data = path.join(DIR, name);
  pg("pg_ctl", ["-D", data, "-l", path.join(DIR, `${name}.log`), "-w", "-t", "60", "start"]);
}

/** Stops or starts the standby (the scenarios of a replica that goes away and comes back). */
export function standby(action: "stop" | "start"): void {
  if (action === "start") startPostgres("standby");
  else pg("pg_ctl", ["-D", path.join(DIR, "standby"), "-m", "immediate", "-w", "stop"]);
}

/** A server's postmaster (a test stops the standby with a signal, without blocking its own event loop; the bench reads CPU). */
export function postmasterPid(name: "primary" | "standby"): number {
  return Number(readFileSync(path.join(DIR, name, "postmaster.pid"), "utf8").split("\n")[0]);
}

function upDatabases(): void {
  mkdirSync(DIR, { recursive: true });
  if (asRoot) execFileSync("chown", ["postgres:postgres", DIR]);
  const primary = path.join(DIR, "primary");
  say(`primary: initdb ${primary}`);
  pg("initdb", ["-D", primary, "-U", ROLE, "--auth=trust", "--no-sync", "-E", "UTF8"]);
  writeAsPostgres(
    path.join(primary, "postgresql.auto.conf"),
    [
      `port = ${PORTS.primary}`,
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      "wal_level = replica",
      "max_wal_senders = 4",
      "hot_standby = on",
      "max_connections = 100",
      "fsync = off", // a throw-away cluster on loopback: speed over durability
      "",
    ].join("\n"),
  );
  writeAsPostgres(
    path.join(primary, "pg_hba.conf"),
    "host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n",
  );
  startPostgres("primary");
  pg("createdb", ["-h", "127.0.0.1", "-p", String(PORTS.primary), "-U", ROLE, "wallet"]);
  const standby = path.join(DIR, "standby");
  say(`standby: pg_basebackup from 127.0.0.1:${PORTS.primary} into ${standby}`);
  pg("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(PORTS.primary),
    "-U",
    ROLE,
    "-D",
    standby,
    "-R",
    "-X",
    "stream",
    "-c",
    "fast",
  ]);
  const auto = readFileSync(path.join(standby, "postgresql.auto.conf"), "utf8");
  writeAsPostgres(
    path.join(standby, "postgresql.auto.conf"),
    `${auto}port = ${PORTS.standby}\nrecovery_min_apply_delay = '${DELAY_MS}ms'\n`,
  );
  startPostgres("standby");
}

/** Extra environment for both gateways (CLUSTER_GATEWAY_ENV="KEY=VALUE KEY=VALUE"). */
const gatewayEnv = (): Record<string, string> =>
  Object.fromEntries(
    (process.env.CLUSTER_GATEWAY_ENV ?? "")
      .split(" ")
      .filter((p) => p.includes("="))
      .map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]),
  );

/** Starts gateway i+1 in the background (its own process group), output in gateway-<n>.log. */
export function startGateway(i: number): void {
  const log = openSync(path.join(DIR, `gateway-${i + 1}.log`), "a");
  const child = spawn(process.execPath, [SERVER_BUNDLE], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(PORTS.gateways[i]),
      DATABASE_URL: ADDRESSES.primary,
      DATABASE_READ_URLS: ADDRESSES.standby,
      // The standby's delay is on purpose: its reads stay usable up to a little past it.
      REPLICA_MAX_LAG_MS: String(Math.max(1_000, DELAY_MS * 3)),
      TRUST_PROXY: "true",
      ...gatewayEnv(),
    },
  });
  closeSync(log);
  child.unref();
  writeFileSync(path.join(DIR, `gateway-${i + 1}.pid`), String(child.pid));
}

function upNginx(): void {
  const conf = path.join(DIR, "nginx.conf");
  mkdirSync(path.join(DIR, "nginx-temp"), { recursive: true });
  writeFileSync(
    conf,
    `# Written by scripts/cluster.ts.
worker_processes 1;
pid ${DIR}/nginx.pid;
error_log ${DIR}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  # The path without its query string, as the gateways log it: a browser's stream ticket travels
  # in the URL (an EventSource cannot send headers) and stays out of the log.
  log_format paths '$remote_addr [$time_local] "$request_method $uri $server_protocol" $status $body_bytes_sent $request_time';
  access_log ${ACCESS_LOG} paths;
  client_body_temp_path ${DIR}/nginx-temp/body;
  proxy_temp_path ${DIR}/nginx-temp/proxy;
  fastcgi_temp_path ${DIR}/nginx-temp/fastcgi;
  uwsgi_temp_path ${DIR}/nginx-temp/uwsgi;
  scgi_temp_path ${DIR}/nginx-temp/scgi;
  upstream gateways {
${PORTS.gateways.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${PORTS.nginx};
    client_max_body_size 2m;
    location / {
      proxy_pass http://gateways;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # The edge: the client's own address, replacing any X-Forwarded-For it sent (the gateway,
      # with TRUST_PROXY, takes the left-most entry: appended to, a client would choose its address).
      proxy_set_header X-Forwarded-For $remote_addr;
      # Event streams pass as they are written; heartbeats keep them open.
      proxy_buffering off;
      proxy_read_timeout 1h;
      # A gateway that is stopping or gone: the request goes to the other one. Writes too:
      # they carry idempotency keys, so a retry cannot pay twice.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 2;
    }
  }
}
`,
  );
  command("nginx", ["-c", conf, "-p", DIR]);
}

export async function waitReady(base: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${base} is not ready after ${timeoutMs} ms (logs in ${DIR})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function up(): Promise<ClusterAddresses> {
  if (existsSync(DIR)) throw new Error(`${DIR} exists: run \`npm run cluster -- down\` first`);
  if (!bundleIsUpToDate()) {
    say("building the server...");
    await buildServer();
  }
  upDatabases();
  // The first gateway migrates the empty database; the second starts on a migrated one.
  for (const [i, gateway] of ADDRESSES.gateways.entries()) {
    say(`gateway ${i + 1}: ${gateway}`);
    startGateway(i);
    await waitReady(gateway);
  }
  upNginx();
  await waitReady(ADDRESSES.balancer);
  return ADDRESSES;
}

/** Whether a process of that id still runs. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once the process has exited, or after timeoutMs: whether it did. */
export async function exited(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

/** The gateway's pid (from its pid file), or null. */
export function gatewayPid(n: 1 | 2): number | null {
  const file = path.join(DIR, `gateway-${n}.pid`);
  return existsSync(file) ? Number(readFileSync(file, "utf8")) : null;
}

export async function down(): Promise<void> {
  if (!existsSync(DIR)) return;
  const conf = path.join(DIR, "nginx.conf");
  const nginxPidFile = path.join(DIR, "nginx.pid");
  if (existsSync(nginxPidFile)) {
    const pid = Number(readFileSync(nginxPidFile, "utf8"));
    try {
      execFileSync("nginx", ["-c", conf, "-p", DIR, "-s", "quit"], { stdio: "ignore" });
    } catch {
      // not running
    }
    // `-s quit` returns at once; the port is free only once the master has exited.
    await exited(pid);
  }
  for (const n of [1, 2] as const) {
    const pid = gatewayPid(n);
    if (!pid || !alive(pid)) continue;
    process.kill(pid, "SIGTERM");
    if (!(await exited(pid))) process.kill(pid, "SIGKILL");
  }
  for (const name of ["standby", "primary"]) {
    if (!existsSync(path.join(DIR, name, "postmaster.pid"))) continue;
    try {
      pg("pg_ctl", ["-D", path.join(DIR, name), "-m", "fast", "-w", "stop"]);
    } catch {
      // already stopped
    }
  }
  rmSync(DIR, { recursive: true, force: true });
}

export async function status(): Promise<string[]> {
  if (!existsSync(DIR)) return ["no cluster (npm run cluster -- up)"];
  const probe = async (name: string, base: string) => {
    const r = await fetch(`${base}/readyz`).then(
      async (res) => `${res.status} ${await res.text()}`,
      (err: Error) => `down (${err.message})`,
    );
    return `${name.padEnd(10)} ${base}  /readyz: ${r}`;
  };
  const pgState = (name: "primary" | "standby", address: string) => {
    let state: string;
    try {
      state = pg("pg_ctl", ["-D", path.join(DIR, name), "status"]).split("\n")[0]!;
    } catch {
      state = "not running";
    }
    return `${name.padEnd(10)} ${address}  ${state}`;
  };
  return [
    await probe("nginx", ADDRESSES.balancer),
    ...(await Promise.all(ADDRESSES.gateways.map((g, i) => probe(`gateway ${i + 1}`, g)))),
    pgState("primary", ADDRESSES.primary),
    pgState("standby", ADDRESSES.standby),
    `files      ${DIR} (logs, data, nginx.conf)`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const verb = process.argv[2];
  try {
    if (verb === "up") {
      const a = await up();
      process.stdout.write(
        [
          `balancer (nginx)  ${a.balancer}   GraphiQL: ${a.balancer}/graphql`,
          ...a.gateways.map((g, i) => `gateway ${i + 1}         ${g}`),
          `primary           ${a.primary}`,
          `standby           ${a.standby}${DELAY_MS ? ` (applies WAL ${DELAY_MS} ms late)` : ""}`,
          `files             ${a.dir}`,
          "",
        ].join("\n"),
      );
    } else if (verb === "down") {
      await down();
      process.stdout.write("cluster stopped and removed\n");
    } else if (verb === "status") {
      process.stdout.write(`${(await status()).join("\n")}\n`);
    } else {
      process.stderr.write("usage: npm run cluster -- up|down|status\n");
      process.exit(2);
    }
  } catch (err) {
    process.stderr.write(`cluster ${verb}: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
