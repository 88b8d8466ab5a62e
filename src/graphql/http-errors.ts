import { GraphQLError } from "graphql";

export type UnauthenticatedReason = "missing_api_key" | "invalid_api_key" | "api_key_revoked";

export const AUTH_REQUIRED = "Authentication required: send Authorization: Bearer <token> or X-API-Key";

/**
 * 401 on every surface: GraphQL responses carry it as the HTTP status, with
 * extensions.code UNAUTHENTICATED and a stable reason the REST layer maps to its own codes.
 */
export const unauthenticated = (message: string, reason: UnauthenticatedReason = "missing_api_key"): GraphQLError =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", reason, http: { status: 401 } } });
