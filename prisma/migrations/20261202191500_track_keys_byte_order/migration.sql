-- The track's text keys compare by bytes (COLLATE "C"). Equality is the same in every
-- deterministic collation, so no query changes meaning; but a seed builds their indexes with
-- memcmp and abbreviated keys instead of the database locale's strcoll (the primary key in half
-- the time on 586k tracks), and ids sort the way JavaScript compares them, in any locale.
-- prisma/schema.prisma cannot express a column's collation: its comments on these fields say so.
ALTER TABLE "track"
  ALTER COLUMN "id" TYPE CHAR(22) COLLATE "C",
  ALTER COLUMN "match_key" TYPE TEXT COLLATE "C",
  ALTER COLUMN "primary_artist" TYPE TEXT COLLATE "C";
