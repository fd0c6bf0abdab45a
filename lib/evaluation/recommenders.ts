// The four recommenders compared offline. Each sees a user's liked songs only (never the held-out
// ones) and returns up to `limit` track indices, best first, from the catalog minus the liked songs.
import { seededRandom } from "../random";
import { dominantCluster, type RecTrack } from "../recommend/taste";
import { appReplay } from "./app-replay";
import { APP_DEFAULTS, type AppSettings } from "./app-settings";
import type { CatalogClustering, EvalCatalog } from "./catalog";
import type { SimUser } from "./simulate";

export type MethodId = "random" | "popular" | "article" | "ours";

export interface Recommender {
  readonly method: MethodId;
  recommend(user: SimUser, limit: number): number[];
}

export const METHOD_LABELS: Readonly<Record<MethodId, string>> = {
  random: "random",
  popular: "most popular",
  article: "article (cluster, pop > 70, file order)",
  ours: "ours (cluster, taste ranking)",
};

/** `npm run seed`'s defaults (lib/catalog/seed.ts DEFAULT_K and DEFAULT_SEED), checked by evaluation.test.ts. */
export const SEED_DEFAULTS = { k: 8, kmeansSeed: 42 } as const;

/** The article keeps tracks with popularity strictly above this. */
export const ARTICLE_POPULARITY_ABOVE = 70;

/** Random tracks the user does not like; the same user and seed give the same list, longer lists extend shorter ones. */
export function randomRecommender(catalog: EvalCatalog): Recommender {
  return {
    method: "random",
    recommend(user, limit) {
      const liked = new Set(user.liked);
      const wanted = Math.min(limit, catalog.size - liked.size);
      const random = seededRandom(user.randomSeed);
      const picked = new Set<number>();
      while (picked.size < wanted) {
        const index = Math.floor(random() * catalog.size);
        if (!liked.has(index)) picked.add(index);
      }
      return [...picked];
    },
  };
}

/** The catalog's most popular tracks the user does not like; file order breaks ties. */
export function popularRecommender(catalog: EvalCatalog): Recommender {
  const byPopularity = Array.from(catalog.tracks.keys()).sort(
    (a, b) => catalog.tracks[b].popularity - catalog.tracks[a].popularity || a - b,
  );
  return {
    method: "popular",
    recommend(user, limit) {
      const liked = new Set(user.liked);
      const picked: number[] = [];
      for (const index of byPopularity) {
        if (picked.length >= limit) break;
        if (!liked.has(index)) picked.push(index);
      }
      return picked;
    },
  };
}

function dominantOf(user: SimUser, clustering: CatalogClustering): number {
  const dominant = dominantCluster(user.liked.map((i) => clustering.assignments[i]));
  if (dominant === null) throw new Error(`user ${user.index} has no liked songs`);
  return dominant.clusterId;
}

/**
 * The article's method: the cluster most liked songs fall in, its tracks with popularity > 70,
 * the first ones in file order. No relaxation: the list is shorter when too few tracks pass.
 */
export function articleRecommender(catalog: EvalCatalog, clustering: CatalogClustering): Recommender {
  const popularByCluster = Array.from({ length: clustering.k }, () => [] as number[]);
  catalog.tracks.forEach((t, i) => {
    if (t.popularity > ARTICLE_POPULARITY_ABOVE) popularByCluster[clustering.assignments[i]].push(i);
  });
  return {
    method: "article",
    recommend(user, limit) {
      const liked = new Set(user.liked);
      const picked: number[] = [];
      for (const index of popularByCluster[dominantOf(user, clustering)]) {
        if (picked.length >= limit) break;
        if (!liked.has(index)) picked.push(index);
      }
      return picked;
    },
  };
}

/**
 * The app's method, as lib/recommend/service.ts runs it in "dominant" mode: candidates are the
 * dominant cluster's most popular tracks (popularity desc, id asc) at or above the popularity
 * floor, at most max(1,500, 20 × limit) of them, widened ×4 (up to 24,000) while duplicates and
 * the artist cap leave the list short, plus the cluster's tracks by the liked songs' primary
 * artists; the app's rankCandidates orders them with the user's genre and artist signals; the
 * floor drops by 10 until the list is full. Genres are the catalog's (an artist's, from artists.csv).
 */
export function oursRecommender(catalog: EvalCatalog, clustering: CatalogClustering, settings: AppSettings = APP_DEFAULTS): Recommender {
  const recommend = appReplay(catalog, clustering, settings);
  const recTracks = new Array<RecTrack | undefined>(catalog.size);
  const recTrack = (index: number) => (recTracks[index] ??= catalog.recTrack(index, clustering.assignments[index]));
  return { method: "ours", recommend: (user, limit) => recommend(user.liked, limit, recTrack) };
}
