-- Which entries creators see, and which sale an entry settles.
--
-- A movement between buckets writes two entries; only the one the creator cares about is
-- visible (e.g. a cashout shows "-X available", not the "+X pending" leg; RELEASE_PENDING
-- is never shown). Public lists read visible entries only, through a partial keyset index.
ALTER TABLE "ledger_entries" ADD COLUMN "visible" BOOLEAN NOT NULL DEFAULT true;
-- The sale (hold lot) a hold release, refund or dispute refers to.
ALTER TABLE "ledger_entries" ADD COLUMN "reference_entry_id" INTEGER REFERENCES "ledger_entries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE INDEX "ledger_entries_wallet_visible_keyset_idx" ON "ledger_entries"("wallet_id", "created_at", "id") WHERE "visible";
CREATE INDEX "ledger_entries_reference_entry_id_idx" ON "ledger_entries"("reference_entry_id");
-- A sale's hold is debited at most once (released, or refunded/disputed while held).
CREATE UNIQUE INDEX "ledger_entries_hold_lot_closed_once" ON "ledger_entries"("reference_entry_id")
    WHERE "bucket" = 'HOLD' AND "amount" < 0;
-- Finding sales whose hold period has passed.
CREATE INDEX "ledger_entries_open_sales_idx" ON "ledger_entries"("created_at", "id") WHERE "type" = 'SALE';
