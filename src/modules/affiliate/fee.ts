import type { PrismaClient } from "../../generated/prisma/client.ts";
import { ValidationError } from "../errors.ts";

export const MAX_FEE_BPS = 1000; // 10 %

/** fee_percentage (a number, up to two decimals) -> basis points; the cap is enforced here. */
export function feeBpsFromPercentage(value: unknown, field = "fee_percentage"): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw ValidationError.field(field, "must be a number");
  const bps = Math.round(number * 100);
  if (Math.abs(bps - number * 100) > 1e-6) throw ValidationError.field(field, "must have at most two decimals");
  return checkFeeBps(bps, field);
}

export function checkFeeBps(bps: number, field = "feeBasisPoints"): number {
  if (!Number.isInteger(bps) || bps < 0 || bps > MAX_FEE_BPS) {
    throw ValidationError.field(
      field,
      field === "fee_percentage" ? "must be between 0 and 10" : `must be between 0 and ${MAX_FEE_BPS}`,
    );
  }
  return bps;
}

/** 450 -> 4.5: the percentage as a JSON number (exact: at most two decimals). */
export const percentageFromBps = (bps: number): number => Number((bps / 100).toFixed(2));

/** The default fee stored in settings (affiliate.default_fee_bps). */
export async function defaultFeeBps(prisma: Pick<PrismaClient, "setting">): Promise<number> {
  const row = await prisma.setting.findUnique({ where: { key: "affiliate.default_fee_bps" } });
  return typeof row?.value === "number" ? row.value : 500;
}
