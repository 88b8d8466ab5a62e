import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir } from "../../src/db/data-dir-lock.ts";
import { openDatabase } from "../../src/db/database.ts";
import { copyTemplate, testLogger } from "../helpers/db.ts";

describe("PGlite data directory lock", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wallet-gateway-lock-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a second opener at once, naming the process that holds the directory", async () => {
    const dir = copyTemplate();
    dirs.push(dir);
    const db = await openDatabase({ kind: "pglite", dataDir: dir }, testLogger);
    try {
      const started = Date.now();
      await expect(openDatabase({ kind: "pglite", dataDir: dir }, testLogger)).rejects.toThrow(
        new RegExp(`The data directory ${dir} is in use by process ${process.pid} on ${os.hostname()}`),
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await db.close();
    }
    expect(fs.existsSync(path.join(dir, "gateway.lock"))).toBe(false);
    const again = await openDatabase({ kind: "pglite", dataDir: dir }, testLogger);
    expect(await again.prisma.currency.count()).toBe(3);
    await again.close();
  });

  it("takes over a stale lock left by a process that no longer exists", () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    const stale = { pid: Number(dead), hostname: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "crashed" };
    fs.writeFileSync(path.join(dir, "gateway.lock"), JSON.stringify(stale));
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(fs.existsSync(lock.path)).toBe(false);
  });

  it("takes over an unreadable lock file (a crash while writing it)", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "gateway.lock"), "{half");
    const lock = lockDataDir(dir);
    expect(JSON.parse(fs.readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("treats a lock held by a live process as held", () => {
    const dir = tempDir();
    const live = { pid: process.ppid, hostname: os.hostname(), startedAt: "2026-01-01T00:00:00.000Z", command: "vitest" };
    fs.writeFileSync(path.join(dir, "gateway.lock"), JSON.stringify(live));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
  });
});
