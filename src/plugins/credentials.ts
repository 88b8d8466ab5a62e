import type { Viewer } from "../modules/accounts/viewer.ts";
import type { TokenCache } from "../modules/accounts/token-cache.ts";

export type Authentication =
  | { kind: "anonymous" }
  | { kind: "viewer"; viewer: Viewer }
  | { kind: "rejected"; code: "missing_api_key" | "invalid_api_key" | "api_key_revoked"; message: string };

/**
 * Reads `Authorization: Bearer <token>` or `X-API-Key: <token>` and resolves the viewer.
 * The one auth path for GraphQL and REST alike.
 */
export async function authenticate(tokens: TokenCache, headers: Headers): Promise<Authentication> {
  const authorization = headers.get("authorization")?.trim();
  const apiKey = headers.get("x-api-key")?.trim();
  let bearer: string | undefined;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) {
      return { kind: "rejected", code: "invalid_api_key", message: "The Authorization header must read 'Bearer <token>'." };
    }
    bearer = match[1];
  }
  if (bearer && apiKey && bearer !== apiKey) {
    return {
      kind: "rejected",
      code: "invalid_api_key",
      message: "Authorization and X-API-Key carry different tokens: send one.",
    };
  }
  const token = bearer ?? apiKey;
  if (!token) return { kind: "anonymous" };
  const check = await tokens.check(token);
  if (check.ok) return { kind: "viewer", viewer: { accountId: check.accountId, tokenId: check.tokenId, role: check.role } };
  if (check.reason === "revoked")
    return { kind: "rejected", code: "api_key_revoked", message: "This API token has been revoked." };
  if (check.reason === "expired") return { kind: "rejected", code: "invalid_api_key", message: "This API token has expired." };
  return { kind: "rejected", code: "invalid_api_key", message: "Invalid API token." };
}
