import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { bundleIsUpToDate, SERVER_BUNDLE } from "../../scripts/build.mjs";
import { copyTemplate } from "../helpers/db.ts";
import { childEnv, ROOT, run, waitFor } from "../helpers/processes.ts";

// Global setup has just built the bundle, so `npm start` must run it as it is.
describe("npm start and the build it needs", () => {
  const cleanup: (() => void)[] = [];
  afterAll(() => {
    for (const fn of cleanup.reverse()) fn();
  });

  it("starts the existing bundle without building it again when nothing it is built from changed", async () => {
    const builtAt = fs.statSync(SERVER_BUNDLE).mtimeMs;
    const dir = copyTemplate();
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const server = run(
      process.execPath,
      ["scripts/start.mjs"],
      childEnv({ DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", LOAD_DEMO_DATA: "false" }),
    );
    cleanup.push(() => void server.child.kill("SIGKILL"));
    const [, base] = await waitFor(server, /GraphiQL: (http:\/\/\S+)\/graphql/);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stderr()).not.toContain("building the server");
    expect(fs.statSync(SERVER_BUNDLE).mtimeMs).toBe(builtAt);
  });

  it("calls the bundle stale once a source it was built from is newer, and up to date again when it is not", () => {
    const source = `${ROOT}/src/config.ts`;
    const { atime, mtime } = fs.statSync(source);
    expect(bundleIsUpToDate()).toBe(true);
    try {
      const later = new Date(fs.statSync(SERVER_BUNDLE).mtimeMs + 60_000);
      fs.utimesSync(source, later, later);
      expect(bundleIsUpToDate()).toBe(false);
    } finally {
      fs.utimesSync(source, atime, mtime);
    }
    expect(bundleIsUpToDate()).toBe(true);
  });
});
