-- CreateEnum
CREATE TYPE "exclusion_kind" AS ENUM ('track', 'artist');

-- CreateTable
CREATE TABLE "user_exclusions" (
    "user_id" TEXT NOT NULL,
    "kind" "exclusion_kind" NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_exclusions_pkey" PRIMARY KEY ("user_id","kind","value")
);

-- AddForeignKey
ALTER TABLE "user_exclusions" ADD CONSTRAINT "user_exclusions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "spotify_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

