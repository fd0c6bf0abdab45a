-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "track" (
    "id" CHAR(22) NOT NULL,
    "name" TEXT NOT NULL,
    "artists" TEXT[],
    "primary_artist" TEXT NOT NULL,
    "release_year" SMALLINT NOT NULL,
    "popularity" SMALLINT NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "explicit" BOOLEAN NOT NULL,
    "danceability" REAL NOT NULL,
    "energy" REAL NOT NULL,
    "loudness" REAL NOT NULL,
    "speechiness" REAL NOT NULL,
    "acousticness" REAL NOT NULL,
    "instrumentalness" REAL NOT NULL,
    "liveness" REAL NOT NULL,
    "valence" REAL NOT NULL,
    "tempo" REAL NOT NULL,
    "match_key" TEXT NOT NULL,
    "cluster_id" SMALLINT NOT NULL,

    CONSTRAINT "track_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster" (
    "id" SMALLINT NOT NULL,
    "size" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "centroid" DOUBLE PRECISION[],

    CONSTRAINT "cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_model" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "features" TEXT[],
    "scaler_means" DOUBLE PRECISION[],
    "scaler_stds" DOUBLE PRECISION[],
    "k" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "inertia" DOUBLE PRECISION NOT NULL,
    "dataset_checksum" TEXT NOT NULL,
    "rows_read" INTEGER NOT NULL,
    "rows_kept" INTEGER NOT NULL,
    "seeded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "catalog_model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "spotify_user" (
    "id" TEXT NOT NULL,
    "display_name" TEXT,
    "library_total" INTEGER NOT NULL DEFAULT 0,
    "skipped_local" INTEGER NOT NULL DEFAULT 0,
    "library_synced_at" TIMESTAMPTZ(3),

    CONSTRAINT "spotify_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "saved_track" (
    "user_id" TEXT NOT NULL,
    "track_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "primary_artist" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saved_track_pkey" PRIMARY KEY ("user_id","track_id")
);

-- CreateTable
CREATE TABLE "playlist_export" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "request_key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "track_uris" TEXT[],
    "playlist_id" TEXT,
    "playlist_url" TEXT,
    "added_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "playlist_export_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "track_cluster_id_popularity_idx" ON "track"("cluster_id", "popularity" DESC);

-- CreateIndex
CREATE INDEX "track_match_key_idx" ON "track"("match_key");

-- CreateIndex
CREATE INDEX "saved_track_user_id_added_at_idx" ON "saved_track"("user_id", "added_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "playlist_export_user_id_request_key_key" ON "playlist_export"("user_id", "request_key");

-- AddForeignKey
ALTER TABLE "saved_track" ADD CONSTRAINT "saved_track_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "spotify_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "playlist_export" ADD CONSTRAINT "playlist_export_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "spotify_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

