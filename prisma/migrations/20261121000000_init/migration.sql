-- The whole wallet domain (see prisma/schema.prisma). Written by hand: keep it in step
-- with the schema; test/db/schema-roundtrip.test.ts writes and reads every model.

CREATE TYPE "AccountRole" AS ENUM ('CREATOR', 'SERVICE');
CREATE TYPE "TokenRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'SERVICE');
CREATE TYPE "Bucket" AS ENUM ('AVAILABLE', 'HOLD', 'PENDING');
CREATE TYPE "LedgerType" AS ENUM ('SALE', 'HOLD_RELEASE', 'AFFILIATE_EARNING', 'CASHOUT', 'RELEASE_PENDING', 'PAYOUT_FAILED', 'REFUND', 'DISPUTE', 'DEPOSIT', 'WITHDRAWAL', 'INVOICE_PAYMENT');
CREATE TYPE "LedgerStatus" AS ENUM ('PENDING', 'AVAILABLE', 'PAID', 'FAILED', 'REVERSED');
CREATE TYPE "PayoutStatus" AS ENUM ('REQUESTED', 'PAID', 'FAILED');
CREATE TYPE "IdempotencyState" AS ENUM ('IN_FLIGHT', 'COMPLETED');

CREATE TABLE "currencies" (
    "id" SERIAL PRIMARY KEY,
    "code" VARCHAR(3) NOT NULL,
    "name" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "minor_units" SMALLINT NOT NULL DEFAULT 2,
    CONSTRAINT "currencies_code_upper" CHECK ("code" = upper("code")),
    CONSTRAINT "currencies_minor_units_range" CHECK ("minor_units" BETWEEN 0 AND 4)
);
CREATE UNIQUE INDEX "currencies_code_key" ON "currencies"("code");

CREATE TABLE "accounts" (
    "id" SERIAL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "display_name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "logo_url" TEXT,
    "role" "AccountRole" NOT NULL DEFAULT 'CREATOR',
    "currency_id" INTEGER NOT NULL REFERENCES "currencies"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "accounts_email_lower" CHECK ("email" = lower("email"))
);
CREATE UNIQUE INDEX "accounts_email_key" ON "accounts"("email");
CREATE UNIQUE INDEX "accounts_slug_key" ON "accounts"("slug");
-- The Stats API searches creators by display name, case-insensitively.
CREATE INDEX "accounts_display_name_lower_idx" ON "accounts"(lower("display_name"));

CREATE TABLE "api_tokens" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "token_hash" CHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "name" TEXT,
    "role" "TokenRole" NOT NULL,
    "issued_by_id" INTEGER REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "api_tokens_account_id_idx" ON "api_tokens"("account_id");

CREATE TABLE "account_group_members" (
    "id" SERIAL PRIMARY KEY,
    "master_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "child_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "account_group_members_not_self" CHECK ("master_id" <> "child_id")
);
-- A child has exactly one master.
CREATE UNIQUE INDEX "account_group_members_child_id_key" ON "account_group_members"("child_id");
CREATE INDEX "account_group_members_master_id_idx" ON "account_group_members"("master_id");

CREATE TABLE "wallets" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "currency_id" INTEGER NOT NULL REFERENCES "currencies"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "available" BIGINT NOT NULL DEFAULT 0,
    "hold" BIGINT NOT NULL DEFAULT 0,
    "pending" BIGINT NOT NULL DEFAULT 0,
    "referral_revenue" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wallets_available_not_negative" CHECK ("available" >= 0),
    CONSTRAINT "wallets_hold_not_negative" CHECK ("hold" >= 0),
    CONSTRAINT "wallets_pending_not_negative" CHECK ("pending" >= 0),
    CONSTRAINT "wallets_referral_revenue_not_negative" CHECK ("referral_revenue" >= 0)
);
CREATE UNIQUE INDEX "wallets_account_id_key" ON "wallets"("account_id");

CREATE TABLE "payouts" (
    "id" SERIAL PRIMARY KEY,
    "wallet_id" INTEGER NOT NULL REFERENCES "wallets"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "currency_id" INTEGER NOT NULL REFERENCES "currencies"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "amount" BIGINT NOT NULL,
    "status" "PayoutStatus" NOT NULL DEFAULT 'REQUESTED',
    "failure_code" TEXT,
    "external_id" TEXT,
    "payment_method_id" INTEGER,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),
    CONSTRAINT "payouts_amount_positive" CHECK ("amount" > 0)
);
CREATE UNIQUE INDEX "payouts_external_id_key" ON "payouts"("external_id");
CREATE INDEX "payouts_wallet_id_requested_at_idx" ON "payouts"("wallet_id", "requested_at");

CREATE TABLE "invoices" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "currency_id" INTEGER NOT NULL REFERENCES "currencies"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "status" TEXT NOT NULL,
    "description" TEXT,
    "hosted_invoice_url" TEXT,
    "total" BIGINT NOT NULL,
    "payment_method" TEXT,
    "external_id" TEXT,
    "paid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "invoices_external_id_key" ON "invoices"("external_id");
CREATE INDEX "invoices_account_id_idx" ON "invoices"("account_id");

CREATE TABLE "products" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "external_id" TEXT,
    "title" TEXT NOT NULL,
    "thumbnail_url" TEXT,
    "media_complete" BOOLEAN NOT NULL DEFAULT false,
    "price" BIGINT NOT NULL DEFAULT 0,
    "unlock_count" BIGINT NOT NULL DEFAULT 0,
    "earnings" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "products_counters_not_negative" CHECK ("price" >= 0 AND "unlock_count" >= 0 AND "earnings" >= 0)
);
CREATE UNIQUE INDEX "products_account_id_external_id_key" ON "products"("account_id", "external_id");

CREATE TABLE "ledger_entries" (
    "id" SERIAL PRIMARY KEY,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "wallet_id" INTEGER NOT NULL REFERENCES "wallets"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "movement_id" UUID NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL DEFAULT 0,
    "bucket" "Bucket" NOT NULL,
    "balance_after" BIGINT NOT NULL,
    "type" "LedgerType" NOT NULL,
    "status" "LedgerStatus" NOT NULL,
    "title" TEXT,
    "description" TEXT,
    "external_id" TEXT,
    "source" TEXT,
    "destination" TEXT,
    "payout_id" INTEGER REFERENCES "payouts"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "invoice_id" INTEGER REFERENCES "invoices"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "payment_method_id" INTEGER,
    "product_id" INTEGER REFERENCES "products"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "counterparty_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_entries_balance_after_not_negative" CHECK ("balance_after" >= 0),
    CONSTRAINT "ledger_entries_fee_not_negative" CHECK ("fee" >= 0)
);
CREATE UNIQUE INDEX "ledger_entries_uuid_key" ON "ledger_entries"("uuid");
-- Keyset pagination of one wallet's ledger, in both directions.
CREATE INDEX "ledger_entries_wallet_keyset_idx" ON "ledger_entries"("wallet_id", "created_at", "id");
CREATE INDEX "ledger_entries_wallet_type_keyset_idx" ON "ledger_entries"("wallet_id", "type", "created_at", "id");
CREATE INDEX "ledger_entries_payout_id_idx" ON "ledger_entries"("payout_id");
CREATE INDEX "ledger_entries_invoice_id_idx" ON "ledger_entries"("invoice_id");
CREATE INDEX "ledger_entries_external_id_idx" ON "ledger_entries"("external_id");

-- The ledger is append-only: corrections are new entries.
CREATE FUNCTION "ledger_entries_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER "ledger_entries_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "ledger_entries"
    FOR EACH ROW EXECUTE FUNCTION "ledger_entries_append_only"();

CREATE TABLE "idempotency_records" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "operation" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "state" "IdempotencyState" NOT NULL DEFAULT 'IN_FLIGHT',
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX "idempotency_records_account_id_operation_key_key" ON "idempotency_records"("account_id", "operation", "key");
CREATE INDEX "idempotency_records_expires_at_idx" ON "idempotency_records"("expires_at");

CREATE TABLE "affiliate_invitations" (
    "id" SERIAL PRIMARY KEY,
    "uuid" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "inviter_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "fee_bps" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "affiliate_invitations_fee_range" CHECK ("fee_bps" BETWEEN 0 AND 1000),
    CONSTRAINT "affiliate_invitations_code_upper" CHECK ("code" = upper("code"))
);
CREATE UNIQUE INDEX "affiliate_invitations_uuid_key" ON "affiliate_invitations"("uuid");
CREATE UNIQUE INDEX "affiliate_invitations_code_key" ON "affiliate_invitations"("code");
CREATE UNIQUE INDEX "affiliate_invitations_inviter_id_fee_bps_key" ON "affiliate_invitations"("inviter_id", "fee_bps");

CREATE TABLE "referrals" (
    "id" SERIAL PRIMARY KEY,
    "referrer_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "referred_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "invitation_id" INTEGER REFERENCES "affiliate_invitations"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "fee_bps" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "referrals_not_self" CHECK ("referrer_id" <> "referred_id"),
    CONSTRAINT "referrals_fee_range" CHECK ("fee_bps" BETWEEN 0 AND 1000)
);
CREATE UNIQUE INDEX "referrals_referred_id_key" ON "referrals"("referred_id");
CREATE INDEX "referrals_referrer_id_idx" ON "referrals"("referrer_id");

CREATE TABLE "settings" (
    "key" TEXT PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "short_links" (
    "id" SERIAL PRIMARY KEY,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "product_id" INTEGER REFERENCES "products"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "slug" TEXT NOT NULL,
    "views" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "short_links_views_not_negative" CHECK ("views" >= 0)
);
CREATE UNIQUE INDEX "short_links_slug_key" ON "short_links"("slug");
CREATE INDEX "short_links_account_id_idx" ON "short_links"("account_id");

CREATE TABLE "dashboard_rollups" (
    "account_id" INTEGER PRIMARY KEY REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "content_items" BIGINT NOT NULL DEFAULT 0,
    "link_clicks" BIGINT NOT NULL DEFAULT 0,
    "unlocks" BIGINT NOT NULL DEFAULT 0,
    "product_revenue" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "invoice_line_items" (
    "id" SERIAL PRIMARY KEY,
    "invoice_id" INTEGER NOT NULL REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "account_id" INTEGER NOT NULL REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    "amount" BIGINT NOT NULL,
    "campaign_name" TEXT,
    "status" TEXT NOT NULL,
    "refunded" BOOLEAN NOT NULL DEFAULT false,
    "payout_id" INTEGER REFERENCES "payouts"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    "description" TEXT
);
CREATE INDEX "invoice_line_items_invoice_id_idx" ON "invoice_line_items"("invoice_id");

-- Reference data.
INSERT INTO "currencies" ("code", "name", "symbol", "minor_units") VALUES
    ('USD', 'US Dollar', '$', 2),
    ('EUR', 'Euro', '€', 2),
    ('GBP', 'Pound Sterling', '£', 2);
INSERT INTO "settings" ("key", "value") VALUES ('affiliate.default_fee_bps', '500');
