import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { exited, gatewayPid, startGateway, waitReady } from "../../scripts/cluster.ts";
import { createCreator } from "../helpers/factories.ts";
import { ADDRESSES, deposit, primaryForFile } from "./helpers.ts";

const LB = ADDRESSES.balancer;
const WORKERS = 8;

const db = primaryForFile();

describe("a gateway stopped under load behind nginx", () => {
  it("SIGTERM: 0 answers of 5xx from the balancer; kill -9: clients retry with their keys, 0 lost and 0 duplicated acknowledged deposits", async () => {
    const service = await createCreator(db(), { service: true });
    const creator = await createCreator(db());
    const acknowledged = new Set<string>();
    const statuses = new Map<string, number>();
    let phase: "graceful" | "kill" = "graceful";
    const fivexx = { graceful: 0, kill: 0 };
    /** Requests that got no answer at all (the connection to the balancer failed). */
    const unanswered = { graceful: 0, kill: 0 };
    let running = true;

    // Each worker deposits 1 with a fresh external id, and retries that same id until it is answered 200.
    const worker = async () => {
      while (running) {
        const externalId = randomUUID();
        for (let attempt = 0; ; attempt++) {
          const answer = await deposit(LB, service.token, creator.id, 1, externalId).catch(() => null);
          const status = answer?.status ?? 0;
          statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
          if (status >= 500) fivexx[phase]++;
          if (status === 0) unanswered[phase]++;
          if (status === 200 && answer?.body.data?.recordDeposit.__typename === "RecordDepositPayload") {
            acknowledged.add(externalId);
            break;
          }
          if (attempt > 50) throw new Error(`deposit ${externalId} never acknowledged (last ${status})`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, () => worker());
    const settle = () => new Promise((r) => setTimeout(r, 1_500));

    await settle();
    const first = gatewayPid(1)!;
    process.kill(first, "SIGTERM");
    await exited(first);
    await settle();
    startGateway(0);
    await waitReady(ADDRESSES.gateways[0]!);
    await settle();

    phase = "kill";
    const second = gatewayPid(2)!;
    process.kill(second, "SIGKILL");
    await exited(second);
    await settle();
    startGateway(1);
    await waitReady(ADDRESSES.gateways[1]!);
    running = false;
    await Promise.all(workers);

    const rows = await db().query<{ externalId: string; n: number }>({
      text: `SELECT e.external_id AS "externalId", count(*)::int AS n FROM ledger_entries e
             JOIN wallets w ON w.id = e.wallet_id WHERE w.account_id = $1 GROUP BY e.external_id`,
      values: [creator.id],
    });
    const written = new Map(rows.map((r) => [r.externalId, r.n]));
    const lost = [...acknowledged].filter((id) => !written.has(id));
    const duplicated = rows.filter((r) => r.n > 1);
    const [wallet] = await db().query<{ available: string }>({
      text: "SELECT available::text FROM wallets WHERE account_id = $1",
      values: [creator.id],
    });
    process.stderr.write(
      `gateway stop: ${acknowledged.size} deposits acknowledged, answers ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `5xx during the graceful stop ${fivexx.graceful}, after kill -9 ${fivexx.kill}; ` +
        `unanswered during the graceful stop ${unanswered.graceful}, after kill -9 ${unanswered.kill}\n`,
    );
    expect(acknowledged.size).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    // Every row written was acknowledged (a retry answered it), and the balance is their sum.
    expect(rows.length).toBe(acknowledged.size);
    expect(Number(wallet!.available)).toBe(acknowledged.size);
    expect(fivexx.graceful).toBe(0);
    // A graceful stop finishes what it took: no request through the balancer goes unanswered.
    // (After kill -9 some do, where nginx had begun the answer; their clients retried them.)
    expect(unanswered.graceful).toBe(0);
  });
});
