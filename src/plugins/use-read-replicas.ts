import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";
import type { Database } from "../db/database.ts";
import { unreachable } from "../db/unavailable.ts";
import { formatLsn, parseLsn } from "../db/lsn.ts";
import type { ReadReplicas } from "../db/read-replicas.ts";
import { createLoaders, type Loaders } from "../graphql/loaders.ts";
import type { Viewer } from "../modules/accounts/viewer.ts";
import { selectedOperation } from "./use-graphql-limits.ts";

/** The header a write's answer carries and a later read may send back (any gateway honours it). */
export const CONSISTENCY_HEADER = "x-consistency-token";

type Context = { request: Request; viewer: Viewer | null; db: Database; prisma: Database["prisma"]; loaders: Loaders };

/**
 * Queries (GraphQL queries, and the REST GETs that run one) read from a replica; mutations and
 * everything else stay on the primary. After a mutation the answer carries the primary's WAL
 * position (`X-Consistency-Token`, one statement, only when replicas are configured): a read
 * that sends it back, to any gateway, goes to a replica that has replayed it, or to the
 * primary. The same gateway also remembers each viewer's last write for a minute, so a client
 * that does not send the token back still reads its writes on the gateway that took them.
 * A query that finds its replica gone (stopped since the last poll) runs again on the primary,
 * and the replica is skipped until it answers a poll again.
 */
export function useReadReplicas(replicas: ReadReplicas, onRead?: (target: "replica" | "primary") => void): Plugin<Context> {
  /** A request whose operation wrote, and whose viewer (account id) did. */
  const wrote = new WeakMap<Request, number | null>();
  const lastWrite = new LRUCache<number, bigint>({ max: 100_000, ttl: 60_000 });
  return {
    onExecute({ args, extendContext, executeFn, setExecuteFn }) {
      const ctx = args.contextValue;
      const operation = selectedOperation(args.document, args.operationName ?? undefined)?.operation;
      if (operation === "mutation") {
        wrote.set(ctx.request, ctx.viewer?.accountId ?? null);
        return;
      }
      if (operation !== "query") return;
      const sent = parseLsn(ctx.request.headers.get(CONSISTENCY_HEADER));
      const mine = ctx.viewer ? (lastWrite.get(ctx.viewer.accountId) ?? null) : null;
      const atLeast = sent !== null && (mine === null || sent > mine) ? sent : mine;
      const replica = replicas.pick(atLeast);
      onRead?.(replica ? "replica" : "primary");
      if (!replica) return;
      const primary = { db: ctx.db, prisma: ctx.prisma, loaders: ctx.loaders };
      extendContext({ db: replica, prisma: replica.prisma, loaders: createLoaders(replica) });
      setExecuteFn(async (execution) => {
        const result = (await executeFn(execution)) as ExecutionResult;
        if (!result.errors?.some((e) => unreachable(e))) return result;
        replicas.unavailable(replica);
        onRead?.("primary");
        Object.assign(execution.contextValue as Context, primary);
        return executeFn(execution);
      });
    },
    async onResponse({ request, response }) {
      const writer = wrote.get(request);
      if (writer === undefined) return;
      const lsn = await replicas.primaryPosition().catch(() => null);
      if (lsn === null) return;
      response.headers.set(CONSISTENCY_HEADER, formatLsn(lsn));
      if (writer !== null) lastWrite.set(writer, lsn);
    },
  };
}
