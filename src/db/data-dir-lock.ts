import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * An exclusive lock on a PGlite data directory. Two processes that open the same
 * directory silently lose each other's writes, so the second opener must fail at once.
 * The lock is a file created with O_EXCL holding the owner's pid; a lock whose process
 * is gone (crash, kill -9) is stale and taken over.
 */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
}

type LockOwner = { pid: number; hostname: string; startedAt: string; command: string };

export type DataDirLock = { path: string; release(): void };

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "gateway.lock");
  const me: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
    command: process.argv.slice(1).join(" "),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, `${JSON.stringify(me)}\n`, { flag: "wx" });
      return { path: lockPath, release: () => releaseIfOwned(lockPath) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = readOwner(lockPath);
    if (owner && isAlive(owner)) {
      throw new DataDirLockedError(
        `The data directory ${dataDir} is in use by process ${owner.pid} on ${owner.hostname} ` +
          `(started ${owner.startedAt}: ${owner.command}). Stop that process first, or point DATA_DIR elsewhere.`,
      );
    }
    // Stale (owner gone) or unreadable (crash while writing it): take it over.
    fs.rmSync(lockPath, { force: true });
  }
  throw new DataDirLockedError(`Could not lock the data directory ${dataDir}: another process keeps taking the lock.`);
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const owner = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return true; // cannot check another host: assume alive
  if (owner.pid === process.pid) return true; // this process already holds it
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOwned(lockPath: string): void {
  const owner = readOwner(lockPath);
  if (owner?.pid === process.pid) fs.rmSync(lockPath, { force: true });
}
