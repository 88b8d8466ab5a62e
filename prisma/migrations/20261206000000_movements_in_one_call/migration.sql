-- Money movements in one call to the database (issue 21). A movement (idempotency claim or
-- replay, wallet locks, entries with their balance_after, bucket update, counters and rollups,
-- the referrer's fee) is one statement, `SELECT wallet_move(...)`, run on its own (so its own
-- transaction): one round trip, one commit, plans kept by the server. The rules that used to
-- live in the services' Prisma transactions live here, each in the function of its kind.

-- Events no longer NOTIFY from inside the money transaction: a transaction that has notified
-- takes a cluster-wide lock at commit, so every money commit ran one after another. The writer
-- publishes after its commit instead, and every gateway catches up from the ledger on its own
-- (docs/decisions.md, "Live events without the commit lock").
DROP TRIGGER "ledger_entries_notify" ON "ledger_entries";
DROP FUNCTION "notify_wallet_ledger"();

-- A domain error (a client's to handle): SQLSTATE WL001, its message a JSON document
-- {"name", "message", "data"} from which the gateway rebuilds its typed error. wallet_move
-- records it as the idempotent outcome; anything else aborts the statement and writes nothing.
CREATE FUNCTION "wallet_error"(p_name text, p_message text, p_data jsonb DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'WL001',
    MESSAGE = jsonb_build_object('name', p_name, 'message', p_message, 'data', p_data)::text;
END $$;

-- The one primitive that changes balances: locks the wallet, applies the lines in order,
-- refuses (raising, so nothing is written) past the money bounds or below zero, appends one
-- entry per line with its bucket's balance after it and the whole wallet after the movement,
-- updates the buckets and the daily rollups. p_lines: [{bucket, amount, type, status, title?,
-- description?, fee?, externalId?, source?, destination?, payoutId?, invoiceId?,
-- paymentMethodId?, productId?, counterpartyId?, visible?, referenceEntryId?}].
-- p_limits: {"maxMovement", "maxBucket"} in minor units. Returns {"entries": [ledger rows],
-- "balances": {available, hold, pending, referralRevenue}} (amounts as text).
CREATE FUNCTION "ledger_post"(p_wallet int, p_lines jsonb, p_limits jsonb, p_at timestamptz DEFAULT NULL, p_referral bigint DEFAULT 0)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  w "wallets"%ROWTYPE;
  v_max_move bigint := (p_limits->>'maxMovement')::bigint;
  v_max_bucket bigint := (p_limits->>'maxBucket')::bigint;
  v_at timestamptz;
  v_line jsonb;
  v_amount bigint;
  v_before bigint;
  v_after bigint;
  v_lines jsonb[] := '{}';
  v_entries jsonb;
  v_movement uuid := gen_random_uuid();
BEGIN
  SELECT * INTO w FROM "wallets" WHERE "id" = p_wallet FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM wallet_error('NotFoundError', format('Wallet %s does not exist', p_wallet));
  END IF;
  -- The clock read after taking the lock: within a wallet, created_at follows commit order,
  -- so keyset pages never skip an entry that commits later.
  v_at := COALESCE(p_at, clock_timestamp());
  FOR v_line IN SELECT * FROM jsonb_array_elements(p_lines) LOOP
    v_amount := (v_line->>'amount')::bigint;
    IF abs(v_amount) > v_max_move THEN
      PERFORM wallet_error('AmountLimitError', format('An amount may be at most %s minor units', v_max_move),
        jsonb_build_object('what', 'MOVEMENT', 'limit', v_max_move, 'currencyId', w."currency_id"));
    END IF;
    v_before := CASE v_line->>'bucket' WHEN 'AVAILABLE' THEN w."available" WHEN 'HOLD' THEN w."hold" ELSE w."pending" END;
    v_after := v_before + v_amount;
    IF v_after < 0 THEN
      PERFORM wallet_error('InsufficientFundsError',
        format('Insufficient funds in %s: %s available, %s required', lower(v_line->>'bucket'), v_before, -v_amount),
        jsonb_build_object('bucket', v_line->>'bucket', 'current', v_before::text, 'required', (-v_amount)::text, 'currencyId', w."currency_id"));
    END IF;
    IF v_after > v_max_bucket THEN
      PERFORM wallet_error('AmountLimitError', format('This would take a balance above its maximum of %s minor units', v_max_bucket),
        jsonb_build_object('what', 'BALANCE', 'limit', v_max_bucket, 'currencyId', w."currency_id"));
    END IF;
    CASE v_line->>'bucket'
      WHEN 'AVAILABLE' THEN w."available" := v_after;
      WHEN 'HOLD' THEN w."hold" := v_after;
      ELSE w."pending" := v_after;
    END CASE;
    v_lines := array_append(v_lines, v_line || jsonb_build_object('balanceAfter', v_after));
  END LOOP;
  w."referral_revenue" := w."referral_revenue" + p_referral;
  IF w."referral_revenue" > v_max_bucket THEN
    PERFORM wallet_error('AmountLimitError', format('This would take a balance above its maximum of %s minor units', v_max_bucket),
      jsonb_build_object('what', 'BALANCE', 'limit', v_max_bucket, 'currencyId', w."currency_id"));
  END IF;
  UPDATE "wallets" SET "available" = w."available", "hold" = w."hold", "pending" = w."pending",
    "referral_revenue" = w."referral_revenue", "updated_at" = v_at
  WHERE "id" = p_wallet;
  WITH line AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset(to_jsonb(v_lines)) AS (
      "bucket" "Bucket", "amount" bigint, "balanceAfter" bigint, "type" "LedgerType", "status" "LedgerStatus",
      "title" text, "description" text, "fee" bigint, "externalId" text, "source" text, "destination" text,
      "payoutId" int, "invoiceId" int, "paymentMethodId" int, "productId" int, "counterpartyId" int,
      "visible" boolean, "referenceEntryId" int)) WITH ORDINALITY AS l
  ), entry AS (
    INSERT INTO "ledger_entries" ("wallet_id", "movement_id", "amount", "fee", "bucket", "balance_after",
      "available_after", "hold_after", "pending_after", "type", "status", "title", "description", "external_id",
      "source", "destination", "payout_id", "invoice_id", "payment_method_id", "product_id", "counterparty_id",
      "visible", "reference_entry_id", "created_at")
    SELECT p_wallet, v_movement, l."amount", COALESCE(l."fee", 0), l."bucket", l."balanceAfter",
      w."available", w."hold", w."pending", l."type", l."status", l."title", l."description", l."externalId",
      l."source", l."destination", l."payoutId", l."invoiceId", l."paymentMethodId", l."productId", l."counterpartyId",
      COALESCE(l."visible", true), l."referenceEntryId", v_at
    FROM line l ORDER BY l."ordinality"
    RETURNING *
  ), rollup AS (
    INSERT INTO "ledger_daily_rollups" AS r ("wallet_id", "day", "type", "with_payment_method", "entry_count", "amount_sum", "fee_sum")
    SELECT "wallet_id", ("created_at" AT TIME ZONE 'UTC')::date, "type", "payment_method_id" IS NOT NULL, count(*), sum("amount"), sum("fee")
    FROM entry WHERE "visible" GROUP BY 1, 2, 3, 4
    ON CONFLICT ("wallet_id", "day", "type", "with_payment_method") DO UPDATE SET
      "entry_count" = r."entry_count" + EXCLUDED."entry_count",
      "amount_sum" = r."amount_sum" + EXCLUDED."amount_sum",
      "fee_sum" = r."fee_sum" + EXCLUDED."fee_sum"
  )
  SELECT jsonb_agg(jsonb_build_object(
      'id', e."id", 'uuid', e."uuid", 'walletId', e."wallet_id", 'amount', e."amount"::text, 'fee', e."fee"::text,
      'bucket', e."bucket", 'balanceAfter', e."balance_after"::text, 'type', e."type", 'status', e."status",
      'title', e."title", 'description', e."description", 'externalId', e."external_id", 'source', e."source",
      'destination', e."destination", 'payoutId', e."payout_id", 'invoiceId', e."invoice_id",
      'paymentMethodId', e."payment_method_id", 'productId', e."product_id", 'createdAt', e."created_at",
      'visible', e."visible", 'currencyId', w."currency_id") ORDER BY e."id")
  INTO v_entries FROM entry e;
  RETURN jsonb_build_object('entries', COALESCE(v_entries, '[]'), 'balances', jsonb_build_object(
    'available', w."available"::text, 'hold', w."hold"::text, 'pending', w."pending"::text,
    'referralRevenue', w."referral_revenue"::text));
END $$;


-- A sale: the amount credited to the creator's hold, the product's counters and the creator's
-- dashboard rollup moved, and a referring affiliate (same currency) paid its fee on top into
-- available. p: {accountId, amount, productId?, externalId, title?, at?}.
CREATE FUNCTION "wallet_sale"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_account int := (p->>'accountId')::int;
  v_amount bigint := (p->>'amount')::bigint;
  v_at timestamptz := (p->>'at')::timestamptz;
  v_wallet "wallets"%ROWTYPE;
  v_product int;
  v_product_owner int;
  v_product_title text;
  v_fee_bps int;
  v_referrer_wallet int;
  v_sale jsonb;
  v_sale_id int;
  v_fee bigint := 0;
  v_earning jsonb;
BEGIN
  SELECT * INTO v_wallet FROM "wallets" WHERE "account_id" = v_account;
  IF NOT FOUND THEN
    PERFORM wallet_error('NotFoundError', format('Account %s has no wallet', v_account));
  END IF;
  IF p->>'productId' IS NOT NULL THEN
    SELECT "id", "account_id", "title" INTO v_product, v_product_owner, v_product_title
    FROM "products" WHERE "id" = (p->>'productId')::int;
    IF v_product IS NULL OR v_product_owner <> v_account THEN
      PERFORM wallet_error('NotFoundError', format('Product %s does not belong to account %s', p->>'productId', v_account));
    END IF;
  END IF;
  SELECT r."fee_bps", rw."id" INTO v_fee_bps, v_referrer_wallet
  FROM "referrals" r JOIN "wallets" rw ON rw."account_id" = r."referrer_id" AND rw."currency_id" = v_wallet."currency_id"
  WHERE r."referred_id" = v_account;
  -- Both wallets locked in id order, so two sales can never deadlock.
  PERFORM 1 FROM "wallets" WHERE "id" IN (v_wallet."id", v_referrer_wallet) ORDER BY "id" FOR UPDATE;
  v_sale := ledger_post(v_wallet."id", jsonb_build_array(jsonb_build_object(
    'bucket', 'HOLD', 'amount', v_amount, 'type', 'SALE', 'status', 'PENDING',
    'title', COALESCE(p->>'title', 'Unlock: ' || v_product_title, 'Sale'),
    'externalId', p->>'externalId', 'productId', v_product, 'source', 'External', 'destination', 'Balance')),
    p_limits, v_at);
  v_sale_id := (v_sale->'entries'->0->>'id')::int;
  IF v_product IS NOT NULL THEN
    UPDATE "products" SET "unlock_count" = "unlock_count" + 1, "earnings" = "earnings" + v_amount, "updated_at" = now()
    WHERE "id" = v_product;
    INSERT INTO "dashboard_rollups" AS d ("account_id", "unlocks", "product_revenue") VALUES (v_account, 1, v_amount)
    ON CONFLICT ("account_id") DO UPDATE SET "unlocks" = d."unlocks" + 1, "product_revenue" = d."product_revenue" + v_amount;
  END IF;
  IF v_referrer_wallet IS NOT NULL THEN
    -- The referrer's share, rounded down to whole minor units.
    v_fee := v_amount * v_fee_bps / 10000;
  END IF;
  IF v_fee > 0 THEN
    v_earning := ledger_post(v_referrer_wallet, jsonb_build_array(jsonb_build_object(
      'bucket', 'AVAILABLE', 'amount', v_fee, 'type', 'AFFILIATE_EARNING', 'status', 'AVAILABLE',
      'title', 'Referral revenue', 'counterpartyId', v_account, 'externalId', p->>'externalId',
      'referenceEntryId', v_sale_id)), p_limits, v_at, v_fee);
  END IF;
  RETURN jsonb_build_object(
    'ok', jsonb_build_object('saleEntryId', v_sale_id, 'affiliateEntryId', (v_earning->'entries'->0->>'id')::int),
    'entries', (v_sale->'entries') || COALESCE(v_earning->'entries', '[]'));
END $$;

-- A manual deposit (+available) or withdrawal (-available, never below zero).
-- p: {kind: DEPOSIT|WITHDRAWAL, accountId, amount, externalId?, description?, at?}.
CREATE FUNCTION "wallet_adjust"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_deposit boolean := p->>'kind' = 'DEPOSIT';
  v_wallet int;
  v_post jsonb;
BEGIN
  SELECT "id" INTO v_wallet FROM "wallets" WHERE "account_id" = (p->>'accountId')::int;
  IF NOT FOUND THEN
    PERFORM wallet_error('NotFoundError', format('Account %s has no wallet', p->>'accountId'));
  END IF;
  v_post := ledger_post(v_wallet, jsonb_build_array(jsonb_build_object(
    'bucket', 'AVAILABLE', 'amount', CASE WHEN v_deposit THEN 1 ELSE -1 END * (p->>'amount')::bigint,
    'type', p->>'kind', 'status', 'AVAILABLE', 'title', CASE WHEN v_deposit THEN 'Deposit' ELSE 'Withdrawal' END,
    'description', p->>'description', 'externalId', p->>'externalId',
    'source', CASE WHEN v_deposit THEN 'External' ELSE 'Balance' END,
    'destination', CASE WHEN v_deposit THEN 'Balance' ELSE 'External' END)),
    p_limits, (p->>'at')::timestamptz);
  RETURN jsonb_build_object('ok', jsonb_build_object('entryId', (v_post->'entries'->0->>'id')::int), 'entries', v_post->'entries');
END $$;

-- A refund or dispute of one sale. Still on hold: only in full, from hold. Released: from
-- available, partial amounts allowed, never more than the sale in total, never below zero.
-- p: {kind: REFUND|DISPUTE, saleUuid, amount?, externalId, description?}.
CREATE FUNCTION "wallet_reverse"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_sale "ledger_entries"%ROWTYPE;
  v_closing "LedgerType";
  v_reversed bigint;
  v_amount bigint;
  v_post jsonb;
BEGIN
  SELECT * INTO v_sale FROM "ledger_entries" WHERE "uuid" = (p->>'saleUuid')::uuid;
  IF NOT FOUND OR v_sale."type" <> 'SALE' THEN
    PERFORM wallet_error('NotFoundError', format('Sale %s does not exist', p->>'saleUuid'));
  END IF;
  -- The sale's follow-ups are read under the wallet's lock.
  PERFORM 1 FROM "wallets" WHERE "id" = v_sale."wallet_id" FOR UPDATE;
  SELECT "type" INTO v_closing FROM "ledger_entries"
  WHERE "reference_entry_id" = v_sale."id" AND "bucket" = 'HOLD' AND "amount" < 0;
  SELECT COALESCE(-sum("amount"), 0) INTO v_reversed FROM "ledger_entries"
  WHERE "reference_entry_id" = v_sale."id" AND "type" IN ('REFUND', 'DISPUTE');
  v_amount := COALESCE((p->>'amount')::bigint, v_sale."amount" - v_reversed);
  IF v_closing IS NOT NULL AND v_closing <> 'HOLD_RELEASE' THEN
    PERFORM wallet_error('ConflictError', format('Sale %s was already reversed in full', p->>'saleUuid'));
  END IF;
  IF v_closing IS NULL AND v_amount <> v_sale."amount" THEN
    PERFORM wallet_error('ValidationError', format('amount: a sale still on hold can only be reversed in full (%s)', v_sale."amount"),
      jsonb_build_array(jsonb_build_object('field', 'amount',
        'message', format('a sale still on hold can only be reversed in full (%s)', v_sale."amount"))));
  END IF;
  IF v_amount <= 0 OR v_reversed + v_amount > v_sale."amount" THEN
    PERFORM wallet_error('ValidationError', format('amount: at most %s of this sale is left to reverse', v_sale."amount" - v_reversed),
      jsonb_build_array(jsonb_build_object('field', 'amount',
        'message', format('at most %s of this sale is left to reverse', v_sale."amount" - v_reversed))));
  END IF;
  v_post := ledger_post(v_sale."wallet_id", jsonb_build_array(jsonb_build_object(
    'bucket', CASE WHEN v_closing IS NULL THEN 'HOLD' ELSE 'AVAILABLE' END, 'amount', -v_amount,
    'type', p->>'kind', 'status', 'AVAILABLE', 'title', CASE WHEN p->>'kind' = 'REFUND' THEN 'Refund' ELSE 'Dispute' END,
    'description', p->>'description', 'externalId', p->>'externalId', 'referenceEntryId', v_sale."id",
    'productId', v_sale."product_id", 'source', 'Balance', 'destination', 'External')), p_limits);
  RETURN jsonb_build_object('ok', jsonb_build_object('entryId', (v_post->'entries'->0->>'id')::int), 'entries', v_post->'entries');
END $$;

-- A cashout: the whole available balance moves to pending and a payout is REQUESTED. The
-- gateway decides with the cashout rules on the balance it read (expectAvailable) and sends its
-- refusal, if any; here that balance is checked under the lock. If it moved meanwhile, the
-- statement fails with WL002 and writes nothing: the gateway reads again and decides again.
-- Bounded by the bucket maximum, not the per-movement one: the client sends no amount, and a
-- balance above the movement maximum must still be payable (docs/decisions.md).
-- p: {accountId, expectAvailable?, refusal?: {name, message, data}, at?}.
CREATE FUNCTION "wallet_cashout"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_wallet "wallets"%ROWTYPE;
  v_payout int;
  v_at timestamptz := (p->>'at')::timestamptz;
  v_post jsonb;
BEGIN
  SELECT * INTO v_wallet FROM "wallets" WHERE "account_id" = (p->>'accountId')::int FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM wallet_error('NotFoundError', format('Account %s has no wallet', p->>'accountId'));
  END IF;
  IF p->>'expectAvailable' IS NOT NULL AND v_wallet."available" <> (p->>'expectAvailable')::bigint THEN
    RAISE EXCEPTION USING ERRCODE = 'WL002', MESSAGE = 'the available balance changed since it was read';
  END IF;
  IF jsonb_typeof(p->'refusal') = 'object' THEN
    PERFORM wallet_error(p->'refusal'->>'name', p->'refusal'->>'message', p->'refusal'->'data');
  END IF;
  IF v_wallet."available" <= 0 THEN
    PERFORM wallet_error('NoAvailableFundsError', 'No available funds');
  END IF;
  INSERT INTO "payouts" ("wallet_id", "currency_id", "amount", "requested_at")
  VALUES (v_wallet."id", v_wallet."currency_id", v_wallet."available", COALESCE(v_at, now()))
  RETURNING "id" INTO v_payout;
  v_post := ledger_post(v_wallet."id", jsonb_build_array(
    jsonb_build_object('bucket', 'AVAILABLE', 'amount', -v_wallet."available", 'type', 'CASHOUT', 'status', 'PENDING',
      'title', 'Cashout requested', 'payoutId', v_payout, 'source', 'Balance', 'destination', 'External'),
    jsonb_build_object('bucket', 'PENDING', 'amount', v_wallet."available", 'type', 'CASHOUT', 'status', 'PENDING',
      'payoutId', v_payout, 'visible', false)),
    jsonb_build_object('maxMovement', p_limits->'maxBucket', 'maxBucket', p_limits->'maxBucket'), v_at);
  RETURN jsonb_build_object('ok', jsonb_build_object('payoutId', v_payout), 'entries', v_post->'entries');
END $$;

-- The payment provider's verdict on a payout. PAID: the amount leaves pending (the internal
-- RELEASE_PENDING entry). FAILED: back to available with a visible entry carrying the failure
-- code. The same verdict again is a no-op; the opposite one a conflict.
-- p: {payoutId, status: PAID|FAILED, failureCode?, externalId?, at?}.
CREATE FUNCTION "wallet_settle"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_payout "payouts"%ROWTYPE;
  v_status "PayoutStatus" := (p->>'status')::"PayoutStatus";
  v_code text := COALESCE(p->>'failureCode', 'payout_failed');
  v_at timestamptz := (p->>'at')::timestamptz;
  v_post jsonb;
BEGIN
  PERFORM 1 FROM "wallets" WHERE "id" = (SELECT "wallet_id" FROM "payouts" WHERE "id" = (p->>'payoutId')::int) FOR UPDATE;
  IF NOT FOUND THEN
    PERFORM wallet_error('NotFoundError', format('Payout %s does not exist', p->>'payoutId'));
  END IF;
  SELECT * INTO v_payout FROM "payouts" WHERE "id" = (p->>'payoutId')::int; -- read under the lock
  IF v_payout."status" = v_status THEN
    RETURN jsonb_build_object('ok', jsonb_build_object('payoutId', v_payout."id"), 'entries', '[]'::jsonb);
  END IF;
  IF v_payout."status" <> 'REQUESTED' THEN
    PERFORM wallet_error('ConflictError', format('Payout %s is already %s', v_payout."id", v_payout."status"));
  END IF;
  v_post := ledger_post(v_payout."wallet_id", CASE WHEN v_status = 'PAID' THEN jsonb_build_array(
      jsonb_build_object('bucket', 'PENDING', 'amount', -v_payout."amount", 'type', 'RELEASE_PENDING', 'status', 'PAID',
        'payoutId', v_payout."id", 'visible', false))
    ELSE jsonb_build_array(
      jsonb_build_object('bucket', 'PENDING', 'amount', -v_payout."amount", 'type', 'PAYOUT_FAILED', 'status', 'FAILED',
        'payoutId', v_payout."id", 'visible', false),
      jsonb_build_object('bucket', 'AVAILABLE', 'amount', v_payout."amount", 'type', 'PAYOUT_FAILED', 'status', 'FAILED',
        'payoutId', v_payout."id", 'title', 'Payout failed: funds returned', 'description', v_code))
    END, jsonb_build_object('maxMovement', p_limits->'maxBucket', 'maxBucket', p_limits->'maxBucket'), v_at);
  BEGIN
    UPDATE "payouts" SET "status" = v_status, "settled_at" = COALESCE(v_at, now()),
      "failure_code" = CASE WHEN v_status = 'FAILED' THEN v_code END, "external_id" = p->>'externalId'
    WHERE "id" = v_payout."id";
  EXCEPTION WHEN unique_violation THEN
    -- Another caller's settlement (its own idempotency scope) carries this provider id.
    PERFORM wallet_error('ValidationError', 'externalId: is already used by another payout',
      jsonb_build_array(jsonb_build_object('field', 'externalId', 'message', 'is already used by another payout')));
  END;
  RETURN jsonb_build_object('ok', jsonb_build_object('payoutId', v_payout."id"), 'entries', v_post->'entries');
END $$;

-- Sales of one wallet whose hold period has passed, moved from hold to available: a pair of
-- entries per sale still open under the lock (one closed meanwhile is skipped).
-- p: {walletId, lots: [sale entry ids], at?}.
CREATE FUNCTION "wallet_release"(p jsonb, p_limits jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_wallet int := (p->>'walletId')::int;
  v_lines jsonb;
  v_count int;
  v_sum bigint;
  v_post jsonb;
BEGIN
  PERFORM 1 FROM "wallets" WHERE "id" = v_wallet FOR UPDATE;
  SELECT jsonb_agg(line ORDER BY s."id", pair.n), count(*) / 2, COALESCE(sum(s."amount") / 2, 0)
  INTO v_lines, v_count, v_sum
  FROM "ledger_entries" s
  CROSS JOIN LATERAL (VALUES
    (1, jsonb_build_object('bucket', 'HOLD', 'amount', -s."amount", 'type', 'HOLD_RELEASE', 'status', 'AVAILABLE',
      'visible', false, 'referenceEntryId', s."id")),
    (2, jsonb_build_object('bucket', 'AVAILABLE', 'amount', s."amount", 'type', 'HOLD_RELEASE', 'status', 'AVAILABLE',
      'title', 'Funds released', 'referenceEntryId', s."id"))) AS pair(n, line)
  WHERE s."id" IN (SELECT jsonb_array_elements_text(p->'lots')::int) AND s."wallet_id" = v_wallet AND s."type" = 'SALE'
    AND NOT EXISTS (SELECT 1 FROM "ledger_entries" x WHERE x."reference_entry_id" = s."id" AND x."bucket" = 'HOLD' AND x."amount" < 0);
  IF v_count = 0 THEN
    RETURN jsonb_build_object('ok', jsonb_build_object('salesReleased', 0, 'amount', '0'), 'entries', '[]'::jsonb);
  END IF;
  v_post := ledger_post(v_wallet, v_lines, p_limits, (p->>'at')::timestamptz);
  RETURN jsonb_build_object('ok', jsonb_build_object('salesReleased', v_count, 'amount', v_sum::text), 'entries', v_post->'entries');
END $$;

-- Every movement, through the gateway or the CLI: `SELECT wallet_move(...)`, one statement.
-- With a key, at most once per (caller, operation, key): the claim, the work and the outcome
-- commit together, so a duplicate that arrives meanwhile waits on the claim's row (bounded by
-- lock_timeout) and then replays the outcome; the same key with another request (p_hash) is
-- refused. A domain error is an outcome too (recorded, replayed); any other error aborts the
-- statement and writes nothing, the claim included. Answers one of
--   {"ok": result, "entries": [ledger rows]}   {"error": {name, message, data}}
--   {"replay": {"ok": result} | {"error": ...}}   {"inProgress": true} (a two-step claim is running).
CREATE FUNCTION "wallet_move"(p_caller int, p_operation text, p_key text, p_hash text, p_kind text, p_args jsonb, p_limits jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_claim int;
  v_record "idempotency_records"%ROWTYPE;
  v_result jsonb;
BEGIN
  IF p_key IS NOT NULL THEN
    FOR attempt IN 1..3 LOOP
      INSERT INTO "idempotency_records" ("account_id", "operation", "key", "request_hash", "state", "expires_at")
      VALUES (p_caller, p_operation, p_key, p_hash, 'IN_FLIGHT', now() + interval '24 hours')
      ON CONFLICT ("account_id", "operation", "key") DO NOTHING
      RETURNING "id" INTO v_claim;
      EXIT WHEN v_claim IS NOT NULL;
      SELECT * INTO v_record FROM "idempotency_records"
      WHERE "account_id" = p_caller AND "operation" = p_operation AND "key" = p_key;
      CONTINUE WHEN NOT FOUND; -- expired and deleted meanwhile: claim again
      IF v_record."expires_at" <= now() THEN
        DELETE FROM "idempotency_records" WHERE "id" = v_record."id" AND "expires_at" = v_record."expires_at";
        CONTINUE;
      END IF;
      IF v_record."request_hash" <> p_hash THEN
        RETURN jsonb_build_object('error', jsonb_build_object('name', 'IdempotencyConflictError',
          'message', 'This idempotency key was already used with a different request', 'data', jsonb_build_object('reason', 'KEY_REUSED')));
      END IF;
      IF v_record."state" = 'COMPLETED' THEN
        RETURN jsonb_build_object('replay', v_record."response");
      END IF;
      -- IN_FLIGHT: a two-step claim (idempotency.service.ts) whose request still runs, or died:
      -- taken over after a minute, as that path does.
      IF v_record."created_at" > now() - interval '60 seconds' THEN
        RETURN jsonb_build_object('inProgress', true);
      END IF;
      UPDATE "idempotency_records" SET "created_at" = now()
      WHERE "id" = v_record."id" AND "state" = 'IN_FLIGHT' AND "created_at" = v_record."created_at"
      RETURNING "id" INTO v_claim;
      IF v_claim IS NULL THEN
        RETURN jsonb_build_object('inProgress', true);
      END IF;
      EXIT;
    END LOOP;
    IF v_claim IS NULL THEN
      RETURN jsonb_build_object('inProgress', true);
    END IF;
  END IF;
  BEGIN
    v_result := CASE p_kind
      WHEN 'sale' THEN wallet_sale(p_args, p_limits)
      WHEN 'adjust' THEN wallet_adjust(p_args, p_limits)
      WHEN 'reverse' THEN wallet_reverse(p_args, p_limits)
      WHEN 'cashout' THEN wallet_cashout(p_args, p_limits)
      WHEN 'settle' THEN wallet_settle(p_args, p_limits)
      WHEN 'release' THEN wallet_release(p_args, p_limits)
    END;
    IF v_result IS NULL THEN
      RAISE EXCEPTION 'unknown movement kind %', p_kind;
    END IF;
  EXCEPTION WHEN SQLSTATE 'WL001' THEN
    v_result := jsonb_build_object('error', SQLERRM::jsonb);
  END;
  IF v_claim IS NOT NULL THEN
    UPDATE "idempotency_records" SET "state" = 'COMPLETED',
      "response" = CASE WHEN v_result ? 'ok' THEN jsonb_build_object('ok', v_result->'ok') ELSE v_result END
    WHERE "id" = v_claim;
  END IF;
  RETURN v_result;
END $$;

-- Many movements of one kind in one statement and one commit (a service's batch of sales): each
-- item is its own wallet_move, idempotent by its own key, its domain errors its own outcome; the
-- items run in the order given (the gateway sorts them by wallet, so two batches lock alike).
-- p_items: [{key, hash, args}]. Answers one wallet_move answer per item, in that order.
CREATE FUNCTION "wallet_move_batch"(p_caller int, p_operation text, p_kind text, p_items jsonb, p_limits jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb;
  v_answers jsonb[] := '{}';
BEGIN
  FOR v_item IN SELECT * FROM jsonb_array_elements(p_items) LOOP
    v_answers := array_append(v_answers,
      wallet_move(p_caller, p_operation, v_item->>'key', v_item->>'hash', p_kind, v_item->'args', p_limits));
  END LOOP;
  RETURN to_jsonb(v_answers);
END $$;
