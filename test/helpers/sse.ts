/** A GraphQL subscription over Server-Sent Events, read the way a browser client would. */
export type SseEvent = { event: string; data: unknown; id?: string };

export type SseStream = {
  status: number;
  headers: Headers;
  /** The next `next` event's payload ({ data, errors }), or a rejection after timeoutMs. */
  next<T = Record<string, unknown>>(
    timeoutMs?: number,
  ): Promise<{ data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** Every event received so far (next, complete), in order. */
  events: SseEvent[];
  /** How many comment lines (heartbeats) arrived. */
  heartbeats(): number;
  /** Resolves when the server has ended the stream. */
  ended: Promise<void>;
  close(): void;
};

export async function subscribe(
  url: string,
  query: string,
  options: {
    token?: string;
    variables?: Record<string, unknown>;
    headers?: Record<string, string>;
    /** As a browser's EventSource asks: a GET with the query and this stream ticket in the URL, no token header. */
    ticket?: string;
  } = {},
): Promise<SseStream> {
  const abort = new AbortController();
  const res = options.ticket
    ? await fetch(`${url}/graphql?query=${encodeURIComponent(query)}&ticket=${encodeURIComponent(options.ticket)}`, {
        signal: abort.signal,
        headers: { accept: "text/event-stream", ...options.headers },
      })
    : await fetch(`${url}/graphql`, {
        method: "POST",
        signal: abort.signal,
        headers: {
          accept: "text/event-stream",
          "content-type": "application/json",
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables ?? {} }),
      });
  const events: SseEvent[] = [];
  let consumed = 0;
  let pings = 0;
  const wake: { waiter: (() => void) | null } = { waiter: null };
  let done = false;
  const ended = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) pings++;
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) fields[m[1]!] = fields[m[1]!] === undefined ? m[2]! : `${fields[m[1]!]}\n${m[2]!}`;
          }
          if (fields.event) {
            events.push({ event: fields.event, data: fields.data ? JSON.parse(fields.data) : null, id: fields.id });
            wake.waiter?.();
          }
        }
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
      wake.waiter?.();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    heartbeats: () => pings,
    ended,
    close: () => abort.abort(),
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(consumed).findIndex((e) => e.event === "next");
        if (found >= 0) {
          const event = events[consumed + found]!;
          consumed += found + 1;
          return event.data as never;
        }
        if (done) throw new Error(`stream ended without another event (got ${JSON.stringify(events)})`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms (got ${JSON.stringify(events)})`);
        await new Promise<void>((resolve) => {
          wake.waiter = resolve;
          setTimeout(resolve, left);
        });
        wake.waiter = null;
      }
    },
  };
}
