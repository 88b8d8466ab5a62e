-- Every entry carries all three buckets as they stood right after its movement, so reports
-- show the available and pending balance after any transaction without scanning history.
ALTER TABLE "ledger_entries"
    ADD COLUMN "available_after" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "hold_after" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "pending_after" BIGINT NOT NULL DEFAULT 0;

-- Backfill existing rows: running sums per wallet in insertion order (the order the wallet
-- lock imposed), taken at the last entry of each movement, since a movement's entries share
-- one snapshot: the wallet after the whole movement. The append-only trigger is lifted for
-- this one statement only.
ALTER TABLE "ledger_entries" DISABLE TRIGGER "ledger_entries_no_update_or_delete";
WITH running AS (
    SELECT id, movement_id,
           SUM(CASE WHEN bucket = 'AVAILABLE' THEN amount ELSE 0 END) OVER w AS available_after,
           SUM(CASE WHEN bucket = 'HOLD' THEN amount ELSE 0 END) OVER w AS hold_after,
           SUM(CASE WHEN bucket = 'PENDING' THEN amount ELSE 0 END) OVER w AS pending_after
    FROM "ledger_entries"
    WINDOW w AS (PARTITION BY wallet_id ORDER BY id)
), per_movement AS (
    SELECT DISTINCT ON (movement_id) movement_id, available_after, hold_after, pending_after
    FROM running ORDER BY movement_id, id DESC
)
UPDATE "ledger_entries" e
SET "available_after" = m.available_after, "hold_after" = m.hold_after, "pending_after" = m.pending_after
FROM per_movement m
WHERE m.movement_id = e.movement_id;
ALTER TABLE "ledger_entries" ENABLE TRIGGER "ledger_entries_no_update_or_delete";
