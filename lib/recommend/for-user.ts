import "server-only";
import { z } from "zod";
import { readCatalogInfo } from "../catalog/store";
import type { Db } from "../db/client";
import { spotifyForUser } from "../spotify/client";
import { likedSongsFor, syncLibrary, type SyncResult } from "../spotify/library";
import { excludedWithVersions, exclusionsFor, hiddenItems, type HiddenItem } from "./exclusions";
import type { SyncProgressFeed } from "../spotify/sync-progress";
import { tasteMap, type TasteMap } from "./map";
import { DEFAULT_REQUEST, recommendWithTaste, type RecommendationResult } from "./service";

/** The page's controls, from its query string; anything invalid falls back to the default. */
export const pageControlsSchema = z.object({
  minPopularity: z.coerce.number().int().min(0).max(100).catch(DEFAULT_REQUEST.minPopularity),
  limit: z.coerce.number().int().min(5).max(50).catch(DEFAULT_REQUEST.limit),
  mode: z.enum(["dominant", "mix"]).catch(DEFAULT_REQUEST.mode),
  explicit: z.enum(["1", "0"]).catch("1"),
});
export type PageControls = z.infer<typeof pageControlsSchema>;

export type UserRecommendations =
  | { kind: "catalog-empty" }
  | { kind: "no-liked-songs"; sync: SyncResult }
  | { kind: "none-in-catalog"; sync: SyncResult; result: RecommendationResult }
  | { kind: "ready"; sync: SyncResult; result: RecommendationResult; map: TasteMap; hidden: HiddenItem[] };

/**
 * True when the user's liked songs have never been read: the page is then a first visit, whose
 * full read of a big library takes seconds, and shows its progress.
 */
export async function isFirstSync(db: Db, userId: string): Promise<boolean> {
  const user = await db.spotifyUser.findUnique({ where: { id: userId }, select: { librarySyncedAt: true } });
  return !user?.librarySyncedAt;
}

/**
 * Everything the recommendations page shows for one user: sync their liked
 * songs, then recommend from the cached copy. Spotify and sign-in errors
 * propagate (SignInRequiredError, SpotifyUnavailableError, SpotifyApiError).
 * `syncProgress` hears how far the sync has read, and is closed when this
 * returns or throws, so a page streaming it always ends.
 */
export async function recommendationsForUser(
  db: Db,
  userId: string,
  controls: PageControls,
  syncProgress?: SyncProgressFeed,
): Promise<UserRecommendations> {
  try {
    return await recommend(db, userId, controls, syncProgress);
  } finally {
    syncProgress?.close();
  }
}

async function recommend(db: Db, userId: string, controls: PageControls, syncProgress?: SyncProgressFeed): Promise<UserRecommendations> {
  const catalog = await readCatalogInfo(db);
  if (!catalog) return { kind: "catalog-empty" };
  const sync = await syncLibrary(db, spotifyForUser(db, userId), userId, syncProgress?.report);
  // The songs are read: the progress shown so far is complete.
  syncProgress?.close();
  const liked = await likedSongsFor(db, userId);
  if (liked.trackIds.length === 0) return { kind: "no-liked-songs", sync };
  // Songs and artists the user said are not for them: the next best songs take their places.
  const exclusions = await exclusionsFor(db, userId);
  const excluded = await excludedWithVersions(db, exclusions);
  const { result, likedZ, recommendedZ } = await recommendWithTaste(
    db,
    {
      ...liked,
      limit: controls.limit,
      minPopularity: controls.minPopularity,
      mode: controls.mode,
      maxPerArtist: DEFAULT_REQUEST.maxPerArtist,
      allowExplicit: controls.explicit === "1",
      ...excluded,
    },
    catalog,
  );
  if (!result.dominant) return { kind: "none-in-catalog", sync, result };
  // The map shows at most the 2,000 most recent liked songs: enough to see where a taste lies.
  const map = await tasteMap(db, catalog, likedZ.slice(0, 2_000), recommendedZ);
  return { kind: "ready", sync, result, map, hidden: await hiddenItems(db, exclusions) };
}
