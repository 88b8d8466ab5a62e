import type { TokenRole } from "../../generated/prisma/enums.ts";

/** Who is calling: resolved once per request from `Authorization: Bearer` or `X-API-Key`. */
export type Viewer = { accountId: number; tokenId: number; role: TokenRole };
