-- Shared rate-limit counters (rate-limiter-flexible's PostgreSQL layout), so that several
-- gateway processes on one database count every limit together. Keys hold hashes or ids,
-- never a token or an email.
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
