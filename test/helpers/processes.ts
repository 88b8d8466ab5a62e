import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SERVER_BUNDLE } from "../../scripts/build.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The environment of a child process: ours minus any database choice, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATA_DIR: _dir, PORT: _port, LOAD_DEMO_DATA: _demo, ...rest } = process.env;
  return { ...rest, NODE_ENV: "production", LOG_LEVEL: "info", ...extra };
}

export type Running = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The server as `npm start` runs it: the production build (global setup builds it once per run). */
export const runServer = (env: NodeJS.ProcessEnv) => run(process.execPath, [SERVER_BUNDLE], env);
export const runBin = (args: string[], env: NodeJS.ProcessEnv) => run(`${ROOT}/bin/wallet-gateway.js`, args, env);

/** Waits until `read()` matches, or fails with what the process printed. */
export async function waitFor(p: Running, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = p.stdout().match(pattern);
    if (match) return match;
    if (p.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} (exit ${p.child.exitCode})\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Gateway = { process: Running; url: string };

/** `count` real gateway processes on one database, started together; stop() sends SIGTERM and waits. */
export async function startGateways(
  count: number,
  env: NodeJS.ProcessEnv,
): Promise<{ gateways: Gateway[]; stop(): Promise<void> }> {
  const started = Array.from({ length: count }, () => runServer(env));
  const gateways: Gateway[] = [];
  for (const process of started) {
    const [, url] = await waitFor(process, /GraphiQL: (http:\/\/\S+)\/graphql/);
    gateways.push({ process, url: url! });
  }
  return {
    gateways,
    stop: async () => {
      for (const g of started) {
        g.child.kill("SIGTERM");
        await g.exited;
      }
    },
  };
}
