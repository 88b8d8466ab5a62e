-- Daily sums of the visible ledger per wallet, type and payout channel, maintained on write
-- with the entries. Reports filter by whole UTC days, so their sums read these rows instead of
-- scanning every entry (1,000,000 entries -> a few hundred rollup rows).
CREATE TABLE "ledger_daily_rollups" (
    "wallet_id" INTEGER NOT NULL REFERENCES "wallets"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "day" DATE NOT NULL,
    "type" "LedgerType" NOT NULL,
    "with_payment_method" BOOLEAN NOT NULL,
    "entry_count" BIGINT NOT NULL DEFAULT 0,
    "amount_sum" BIGINT NOT NULL DEFAULT 0,
    "fee_sum" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "ledger_daily_rollups_pkey" PRIMARY KEY ("wallet_id", "day", "type", "with_payment_method")
);

INSERT INTO "ledger_daily_rollups" ("wallet_id", "day", "type", "with_payment_method", "entry_count", "amount_sum", "fee_sum")
SELECT wallet_id, (created_at AT TIME ZONE 'UTC')::date, type, payment_method_id IS NOT NULL, count(*), sum(amount), sum(fee)
FROM "ledger_entries"
WHERE visible
GROUP BY 1, 2, 3, 4;
