-- One bucket's entries of a wallet, newest first (hidden legs included): the balance
-- explanation reads its first page and the bucket's latest balance_after from it, at any
-- ledger size.
CREATE INDEX "ledger_entries_wallet_bucket_keyset_idx" ON "ledger_entries"("wallet_id", "bucket", "created_at", "id");
