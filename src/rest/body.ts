import { RouteParamError } from "./route-param-error.ts";

/** The JSON object body of a legacy POST; anything else is a client error (422). */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new RouteParamError("The request body must be a JSON object.");
}

/** A string field of a legacy body: absent -> undefined; present but not a string -> 422 naming it. */
export function stringField(body: Record<string, unknown>, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null || value === "") {
    if (required) throw new RouteParamError(`The ${name} field is required.`);
    return undefined;
  }
  if (typeof value !== "string") throw new RouteParamError(`The ${name} field must be a string.`);
  return value;
}

/** "displayName" -> "display_name": GraphQL field names in legacy messages. */
export const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The legacy message for a typed ValidationError: the first problem, naming its field. */
export function validationMessage(fields: { field: string; message: string }[] | undefined, fallback: string): string {
  const first = fields?.[0];
  if (!first) return fallback;
  const field = snakeCase(first.field);
  // Our own messages read on ("must be ..."); library ones are sentences of their own.
  return /^[a-z]/.test(first.message) ? `The ${field} field ${first.message}.` : `${field}: ${first.message}`;
}
