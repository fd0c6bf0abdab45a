-- CreateTable
CREATE TABLE "spotify_token" (
    "user_id" TEXT NOT NULL,
    "access_token" TEXT NOT NULL,
    "refresh_token" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "scope" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "spotify_token_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "spotify_token" ADD CONSTRAINT "spotify_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "spotify_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

