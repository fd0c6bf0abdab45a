-- AlterTable
ALTER TABLE "track" ADD COLUMN     "genres" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "subgenres" TEXT[] DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "release_year" DROP NOT NULL,
ALTER COLUMN "explicit" DROP NOT NULL;

-- AlterTable
ALTER TABLE "cluster" ADD COLUMN     "top_genres" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "top_subgenres" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "catalog_model" ADD COLUMN     "columns" TEXT[] DEFAULT ARRAY['explicit', 'release_year', 'artist_ids']::TEXT[],
ADD COLUMN     "format" TEXT NOT NULL DEFAULT 'tracks-600k',
ADD COLUMN     "rows_conflicting" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rows_merged" INTEGER NOT NULL DEFAULT 0;

