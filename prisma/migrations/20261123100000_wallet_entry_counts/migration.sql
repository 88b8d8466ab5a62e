-- Visible ledger entries per wallet, type and bucket, kept by the database on every insert (the
-- ledger is append-only, so counts only grow): list totals read a handful of rows instead of
-- counting a ledger that may hold millions of entries.
CREATE TABLE "wallet_entry_counts" (
    "wallet_id" INTEGER NOT NULL REFERENCES "wallets"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "type" "LedgerType" NOT NULL,
    "bucket" "Bucket" NOT NULL,
    "entries" BIGINT NOT NULL,

    CONSTRAINT "wallet_entry_counts_pkey" PRIMARY KEY ("wallet_id", "type", "bucket")
);

INSERT INTO "wallet_entry_counts" ("wallet_id", "type", "bucket", "entries")
SELECT "wallet_id", "type", "bucket", count(*) FROM "ledger_entries" WHERE "visible" GROUP BY 1, 2, 3;

CREATE FUNCTION "count_wallet_entries"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "wallet_entry_counts" AS c ("wallet_id", "type", "bucket", "entries")
  SELECT "wallet_id", "type", "bucket", count(*) FROM new_entries WHERE "visible" GROUP BY 1, 2, 3
  ON CONFLICT ("wallet_id", "type", "bucket") DO UPDATE SET "entries" = c."entries" + EXCLUDED."entries";
  RETURN NULL;
END $$;

CREATE TRIGGER "ledger_entries_count" AFTER INSERT ON "ledger_entries"
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION "count_wallet_entries"();
