/** The legacy apps' envelope (seeds 000 and 002): {success, errors_message, data}. */
export type LegacyBody = { success: boolean; errors_message: string | null; data: unknown };

export const legacyOk = (data: unknown): Response => json(200, { success: true, errors_message: null, data });

export const legacyError = (status: number, message: string): Response =>
  json(status, { success: false, errors_message: message, data: null });

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Laravel's default message for a missing or bad token. */
export const LEGACY_UNAUTHENTICATED = "Unauthenticated.";
export const LEGACY_SERVER_ERROR = "Server error";
