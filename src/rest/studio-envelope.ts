import { json } from "./legacy-envelope.ts";

/** The Studio API's error envelope (seed 001): {success:false, error, message, details?}. */
export const studioError = (status: number, error: string, message: string, details?: Record<string, string[]>): Response =>
  json(status, { success: false, error, message, ...(details ? { details } : {}) });

/** The Studio API's message for every 422 (the codes in `details` say what was wrong). */
export const VALIDATION_MESSAGE = "The given data was invalid.";

export const studioServerError = (): Response => studioError(500, "server_error", "Server error");

export const STUDIO_AUTH_MESSAGES = {
  missing_api_key: "Send your API key in the X-API-Key header.",
  invalid_api_key: "The API key is not valid.",
  api_key_revoked: "The API key has been revoked.",
} as const;
