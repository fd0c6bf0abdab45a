-- CreateTable
CREATE TABLE "spotify_rate_limit" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "until" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "spotify_rate_limit_pkey" PRIMARY KEY ("id")
);

