-- Live events. NOTIFY inside a transaction is delivered only when it commits (never for a
-- rollback), to every listening session of the database: the gateways LISTEN and fan out.

-- A wallet's entries after an event position, and its newest entry, by id (ids follow commit
-- order within a wallet: a movement holds the wallet's row lock from insert to commit).
CREATE INDEX "ledger_entries_wallet_id_idx" ON "ledger_entries"("wallet_id", "id");

-- wallet_ledger: "walletId:newestEntryId,..." once per INSERT statement on the ledger (a
-- movement is one statement). A payload too long for NOTIFY becomes "*" (everyone catches up).
CREATE FUNCTION "notify_wallet_ledger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  SELECT string_agg("wallet_id" || ':' || "newest", ',') INTO payload
  FROM (SELECT "wallet_id", max("id") AS "newest" FROM new_entries GROUP BY "wallet_id") AS moved;
  IF payload IS NULL THEN
    RETURN NULL;
  END IF;
  IF length(payload) > 7000 THEN
    payload := '*';
  END IF;
  PERFORM pg_notify('wallet_ledger', payload);
  RETURN NULL;
END $$;

CREATE TRIGGER "ledger_entries_notify" AFTER INSERT ON "ledger_entries"
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION "notify_wallet_ledger"();

-- wallet_access: who may see what changed. "token:<id>" when a token is revoked, expires
-- differently or is deleted; "group:<masterId>" when a child is linked or unlinked.
CREATE FUNCTION "notify_wallet_access"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_tokens' THEN
    PERFORM pg_notify('wallet_access', 'token:' || COALESCE(NEW."id", OLD."id"));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('wallet_access', 'group:' || OLD."master_id");
  ELSE
    PERFORM pg_notify('wallet_access', 'group:' || NEW."master_id");
    IF TG_OP = 'UPDATE' AND OLD."master_id" <> NEW."master_id" THEN
      PERFORM pg_notify('wallet_access', 'group:' || OLD."master_id");
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "api_tokens_notify_access" AFTER UPDATE OF "revoked_at", "expires_at" ON "api_tokens"
FOR EACH ROW WHEN (OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at" OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at")
EXECUTE FUNCTION "notify_wallet_access"();

CREATE TRIGGER "api_tokens_notify_delete" AFTER DELETE ON "api_tokens"
FOR EACH ROW EXECUTE FUNCTION "notify_wallet_access"();

CREATE TRIGGER "account_group_members_notify_access" AFTER INSERT OR UPDATE OR DELETE ON "account_group_members"
FOR EACH ROW EXECUTE FUNCTION "notify_wallet_access"();
