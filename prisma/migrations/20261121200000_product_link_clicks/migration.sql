-- Per-product link clicks, maintained on write (with the account rollup), so the dashboard's
-- conversion ranking never scans short links or history.
ALTER TABLE "products" ADD COLUMN "link_clicks" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "products" ADD CONSTRAINT "products_link_clicks_not_negative" CHECK ("link_clicks" >= 0);
CREATE INDEX "products_account_id_idx" ON "products"("account_id");
