/** Calls a legacy REST path and returns its status and JSON body. */
export async function legacy(
  url: string,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
  // The legacy bodies are loosely typed JSON; tests assert on their exact values.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: { success: boolean; errors_message: string | null; data: any } }> {
  const res = await fetch(`${url}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: res.status, body: await res.json() };
}
