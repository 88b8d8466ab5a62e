-- The per-token cap on open event streams, counted across every gateway on this database
-- (issue 23). A gateway holds one lease per open stream and keeps its own row alive while it
-- holds any; a gateway that stops renewing (killed, or cut off from the database) no longer
-- counts once its row expires, and the next renewal by any gateway deletes it with its leases.
-- Written only by src/modules/events/stream-leases.ts; one statement per stream opened or
-- closed and one per gateway every few seconds, never one per request.
CREATE TABLE "event_stream_gateways" (
    "id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_stream_gateways_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "event_stream_leases" (
    "id" UUID NOT NULL,
    "token_id" INTEGER NOT NULL,
    "gateway_id" UUID NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "event_stream_leases_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "event_stream_leases_gateway_id_fkey" FOREIGN KEY ("gateway_id")
        REFERENCES "event_stream_gateways"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "event_stream_leases_token_id_idx" ON "event_stream_leases"("token_id");
CREATE INDEX "event_stream_leases_gateway_id_idx" ON "event_stream_leases"("gateway_id");

-- Takes a lease for one more stream of the token, unless the token's streams on live gateways
-- already reach p_cap. Openers of one token go one at a time (a transaction-scoped advisory lock
-- on the token), so two gateways cannot both take its last place; other tokens do not wait. The
-- gateway's row is made when missing (first stream, or swept as dead) and renewed here only when
-- half its time is gone (the gateway's timer renews it otherwise): an update holds the row until
-- the commit, so renewing it at every open would make a gateway's openers of every token queue
-- behind one that waits for its token's turn.
CREATE FUNCTION "event_stream_lease"(p_lease uuid, p_token int, p_gateway uuid, p_cap int, p_ttl_ms int)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "event_stream_gateways" SET "expires_at" = clock_timestamp() + p_ttl_ms * interval '1 millisecond'
   WHERE "id" = p_gateway AND "expires_at" < clock_timestamp() + p_ttl_ms * interval '1 millisecond' / 2;
  IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM "event_stream_gateways" WHERE "id" = p_gateway) THEN
    INSERT INTO "event_stream_gateways" ("id", "expires_at")
    VALUES (p_gateway, clock_timestamp() + p_ttl_ms * interval '1 millisecond')
    ON CONFLICT ("id") DO NOTHING;
  END IF;
  PERFORM pg_advisory_xact_lock(727002, p_token);
  IF (SELECT count(*) FROM "event_stream_leases" l
        JOIN "event_stream_gateways" g ON g."id" = l."gateway_id"
       WHERE l."token_id" = p_token AND g."expires_at" > clock_timestamp()) >= p_cap THEN
    RETURN false;
  END IF;
  INSERT INTO "event_stream_leases" ("id", "token_id", "gateway_id") VALUES (p_lease, p_token, p_gateway);
  RETURN true;
END $$;

-- A gateway's renewal: keeps its row alive and sweeps the rows (and, by cascade, the leases) of
-- gateways that stopped renewing. Returns true when its own row had been swept, so the caller
-- inserts its open streams' leases again (without the cap: those streams are open already).
CREATE FUNCTION "event_stream_renew"(p_gateway uuid, p_ttl_ms int)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  v_swept boolean;
BEGIN
  DELETE FROM "event_stream_gateways" WHERE "expires_at" < clock_timestamp() AND "id" <> p_gateway;
  v_swept := NOT EXISTS (SELECT 1 FROM "event_stream_gateways" WHERE "id" = p_gateway AND "expires_at" > clock_timestamp());
  INSERT INTO "event_stream_gateways" ("id", "expires_at")
  VALUES (p_gateway, clock_timestamp() + p_ttl_ms * interval '1 millisecond')
  ON CONFLICT ("id") DO UPDATE SET "expires_at" = EXCLUDED."expires_at";
  RETURN v_swept;
END $$;
