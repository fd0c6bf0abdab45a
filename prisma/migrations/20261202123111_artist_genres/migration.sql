-- AlterTable
ALTER TABLE "track" ADD COLUMN     "artist_genres" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "track_cluster_id_primary_artist_idx" ON "track"("cluster_id", "primary_artist");

