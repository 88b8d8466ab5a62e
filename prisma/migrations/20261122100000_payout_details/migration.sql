-- Where an account's payouts go, per the fields its currency's rail needs (EUR: IBAN and
-- BIC; USD: account and routing number; GBP: account number and sort code). One row per
-- account; the cashout rules read it when a setting requires payout details.
CREATE TABLE "payout_details" (
    "account_id" INTEGER NOT NULL,
    "iban" VARCHAR(34),
    "bic_swift" VARCHAR(11),
    "account_number" VARCHAR(17),
    "routing_number" VARCHAR(9),
    "sort_code" VARCHAR(6),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payout_details_pkey" PRIMARY KEY ("account_id"),
    CONSTRAINT "payout_details_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
