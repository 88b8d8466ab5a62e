-- Every entry carries all three buckets as they stood right after it, so reports show the
-- available and pending balance after any transaction without scanning history.
ALTER TABLE "ledger_entries"
    ADD COLUMN "available_after" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "hold_after" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "pending_after" BIGINT NOT NULL DEFAULT 0;

-- Backfill existing rows: running sums per wallet in insertion order (the order the wallet
-- lock imposed). The append-only trigger is lifted for this one statement only.
ALTER TABLE "ledger_entries" DISABLE TRIGGER "ledger_entries_no_update_or_delete";
UPDATE "ledger_entries" e
SET "available_after" = s.available_after, "hold_after" = s.hold_after, "pending_after" = s.pending_after
FROM (
    SELECT id,
           SUM(CASE WHEN bucket = 'AVAILABLE' THEN amount ELSE 0 END) OVER w AS available_after,
           SUM(CASE WHEN bucket = 'HOLD' THEN amount ELSE 0 END) OVER w AS hold_after,
           SUM(CASE WHEN bucket = 'PENDING' THEN amount ELSE 0 END) OVER w AS pending_after
    FROM "ledger_entries"
    WINDOW w AS (PARTITION BY wallet_id ORDER BY id)
) s
WHERE s.id = e.id;
ALTER TABLE "ledger_entries" ENABLE TRIGGER "ledger_entries_no_update_or_delete";
