import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";

/** What an event id may hold (event-position.ts: `walletId.entryId` pairs joined by `-`): nothing that breaks an SSE line. */
const EVENT_ID = /^[\d.-]{1,2200}$/;

/**
 * Gives every Server-Sent Event of a subscription an `id:` line, its `eventId`, so that a
 * browser's EventSource that reconnects (to this gateway or, through a balancer, to another)
 * sends it back as `Last-Event-ID` and is replayed exactly what it missed. Yoga's own SSE
 * writer serialises each result with the result's `stringify` when it has one: this one writes
 * the JSON and then the id line inside the same event (`data: {...}\nid: ...\n\n`). Only for
 * requests that asked for `text/event-stream`; other transports get their results untouched.
 */
export function useEventIds(): Plugin<{ request: Request }> {
  return {
    onSubscribe({ args }) {
      if (!args.contextValue.request?.headers.get("accept")?.includes("text/event-stream")) return;
      return {
        onSubscribeResult: () => ({
          onNext({ result, setResult }) {
            const id = eventIdOf(result);
            if (id) setResult({ ...result, stringify: (r: unknown) => `${JSON.stringify(r)}\nid: ${id}` } as ExecutionResult);
          },
        }),
      };
    },
  };
}

/** The `eventId` of the subscription's root field, when it has a well-formed one. */
function eventIdOf(result: ExecutionResult): string | null {
  const root = result.data ? Object.values(result.data)[0] : null;
  const id = root && typeof root === "object" ? (root as { eventId?: unknown }).eventId : null;
  return typeof id === "string" && EVENT_ID.test(id) ? id : null;
}
