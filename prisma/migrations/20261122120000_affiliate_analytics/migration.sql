-- Affiliate analytics. Every fee a referral has had, from registration on: a trigger writes
-- a row whenever a referral is created or its fee changes, so no code path can forget it.
CREATE TABLE "referral_fee_changes" (
    "id" SERIAL NOT NULL,
    "referral_id" INTEGER NOT NULL,
    "fee_bps" INTEGER NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "referral_fee_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "referral_fee_changes_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "referral_fee_changes_referral_id_idx" ON "referral_fee_changes"("referral_id", "changed_at");

INSERT INTO "referral_fee_changes" ("referral_id", "fee_bps", "changed_at")
SELECT "id", "fee_bps", "created_at" FROM "referrals";

CREATE FUNCTION "record_referral_fee"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."fee_bps" IS DISTINCT FROM OLD."fee_bps" THEN
    INSERT INTO "referral_fee_changes" ("referral_id", "fee_bps", "changed_at")
    VALUES (NEW."id", NEW."fee_bps", CASE WHEN TG_OP = 'INSERT' THEN NEW."created_at" ELSE clock_timestamp() END);
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "referrals_fee_history" AFTER INSERT OR UPDATE OF "fee_bps" ON "referrals"
FOR EACH ROW EXECUTE FUNCTION "record_referral_fee"();

-- Visits to an invitation link, as the app reports them (one row per reported event: a
-- repeated event id counts once).
CREATE TABLE "invitation_visits" (
    "id" SERIAL NOT NULL,
    "invitation_id" INTEGER NOT NULL,
    "event_id" VARCHAR(200) NOT NULL,
    "visited_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invitation_visits_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "invitation_visits_invitation_id_fkey" FOREIGN KEY ("invitation_id") REFERENCES "affiliate_invitations"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "invitation_visits_invitation_id_event_id_key" ON "invitation_visits"("invitation_id", "event_id");
