import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import type { Database } from "../src/db/database.ts";

/** A process and every descendant (tsx runs the gateway in a child of its own). */
function tree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]!) ?? []));
  return out;
}

/**
 * CPU time (user + system) of a process tree, in milliseconds: the live processes', plus what the
 * root's children used before they exited (PostgreSQL's backends of closed connections).
 */
export function cpuMs(root: number): number {
  let ticks = 0;
  for (const pid of tree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
      if (pid === root) ticks += Number(fields[13]) + Number(fields[14]);
    } catch {
      // gone
    }
  }
  return ticks * 10; // USER_HZ = 100 on Linux
}

/** Resident memory of a process tree, in MB. */
export function rssMb(root: number): number {
  let kb = 0;
  for (const pid of tree(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

export type Target = {
  name: string;
  /** The server process (tree) whose CPU and memory count. */
  pid: number;
  /** PostgreSQL's postmaster (postmasterOf): its tree's CPU per request is reported too. */
  postmaster?: number;
  url: string;
  method: "GET" | "POST";
  body?: string;
  /** A fresh body per request instead (writes with unique ids). */
  bodyOf?: () => string;
  headers?: Record<string, string>;
  /** The token each request presents (a random creator's, usually). */
  token: () => string;
};

export type LoadResult = {
  name: string;
  connections: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestMs: number;
  /** NaN without a postmaster. Every backend's, the gateway's and anyone else's on the server. */
  postgresCpuPerRequestMs: number;
  rssMb: number;
  errors: number;
};

/** PostgreSQL's postmaster process, found from one of its backends (a local server only). */
export async function postmasterOf(db: Database): Promise<number> {
  const [row] = await db.query<{ pid: number }>({ text: "SELECT pg_backend_pid() AS pid", values: [] });
  const stat = readFileSync(`/proc/${row!.pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

/** Drives one target for `seconds` at `connections` concurrent keep-alive connections. */
export async function drive(target: Target, connections: number, seconds: number): Promise<LoadResult> {
  const cpuBefore = cpuMs(target.pid);
  const postgresBefore = target.postmaster ? cpuMs(target.postmaster) : NaN;
  let rss = rssMb(target.pid);
  const sampler = setInterval(() => (rss = Math.max(rss, rssMb(target.pid))), 500);
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: [
      {
        method: target.method,
        ...(target.body ? { body: target.body } : {}),
        setupRequest: (req) => ({
          ...req,
          ...(target.bodyOf ? { body: target.bodyOf() } : {}),
          headers: {
            ...target.headers,
            ...(target.body || target.bodyOf ? { "content-type": "application/json" } : {}),
            authorization: `Bearer ${target.token()}`,
          },
        }),
      },
    ],
  });
  clearInterval(sampler);
  const cpu = cpuMs(target.pid) - cpuBefore;
  const postgresCpu = target.postmaster ? cpuMs(target.postmaster) - postgresBefore : NaN;
  const requests = result.requests.total;
  return {
    name: target.name,
    connections,
    requests,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuPerRequestMs: requests > 0 ? cpu / requests : NaN,
    postgresCpuPerRequestMs: requests > 0 ? postgresCpu / requests : NaN,
    rssMb: rss,
    errors: result.errors + result.non2xx,
  };
}
