import { AsyncLocalStorage } from "node:async_hooks";

/** What every log line of a request carries, wherever in the request it is written. */
export type RequestContext = { requestId: string; startedAt: number };

export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The id of the request being handled, or undefined outside one (start-up, CLI, timers). */
export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;
