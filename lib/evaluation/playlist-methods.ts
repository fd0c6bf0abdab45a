// The recommenders compared on real playlists. Each sees a playlist's liked songs (and genres
// computed without that playlist's rows) and returns up to `limit` track indices, best first. Pure.
import { fitKMeans } from "../clustering/kmeans";
import type { RankWeights } from "../recommend/rank";
import { clusterShares, type RecTrack } from "../recommend/taste";
import { appReplay } from "./app-replay";
import { clusterCatalog, type CatalogClustering, type EvalCatalog } from "./catalog";
import type { GenreView, PlaylistUser } from "./playlists";
import { APP_DEFAULTS, type AppSettings } from "./app-settings";
import { ARTICLE_POPULARITY_ABOVE, popularRecommender, randomRecommender } from "./recommenders";

export interface PlaylistMethod {
  readonly id: string;
  readonly label: string;
  recommend(user: PlaylistUser, limit: number): number[];
}

export const KMEANS_SEED = 42;

/** Random tracks the playlist does not hold among its liked songs. */
export function randomMethod(catalog: EvalCatalog): PlaylistMethod {
  const random = randomRecommender(catalog);
  return { id: "random", label: "random", recommend: (user, limit) => random.recommend(asSimUser(user), limit) };
}

export function popularMethod(catalog: EvalCatalog): PlaylistMethod {
  const popular = popularRecommender(catalog);
  return { id: "popular", label: "most popular", recommend: (user, limit) => popular.recommend(asSimUser(user), limit) };
}

function asSimUser(user: PlaylistUser) {
  return { index: user.index, seedArtist: "", genre: user.genre, artists: [], liked: user.liked, heldOut: [], randomSeed: user.randomSeed };
}

/** The six features the article clustered on, raw (unscaled), popularity included. */
export const ARTICLE_FEATURES = ["popularity", "energy", "danceability", "valence", "instrumentalness", "acousticness"] as const;

/**
 * The article's method exactly: k = 5 k-means on its six raw features (popularity included), the
 * cluster most liked songs fall in, its tracks with popularity > 70, the first rows in file order.
 */
export function articleMethod(catalog: EvalCatalog): PlaylistMethod {
  const points = catalog.tracks.map((t) => ARTICLE_FEATURES.map((f) => t[f]));
  const { assignments } = fitKMeans(points, 5, { seed: KMEANS_SEED });
  const popularByCluster = Array.from({ length: 5 }, () => [] as number[]);
  catalog.tracks.forEach((t, i) => {
    if (t.popularity > ARTICLE_POPULARITY_ABOVE) popularByCluster[assignments[i]].push(i);
  });
  return {
    id: "article",
    label: "article (k = 5 on its raw features, pop > 70, file order)",
    recommend(user, limit) {
      const dominant = clusterShares(user.liked.map((i) => assignments[i]))[0].clusterId;
      const liked = new Set(user.liked);
      const picked: number[] = [];
      for (const index of popularByCluster[dominant]) {
        if (picked.length >= limit) break;
        if (!liked.has(index)) picked.push(index);
      }
      return picked;
    },
  };
}

const clusterings = new WeakMap<EvalCatalog, Map<number, CatalogClustering>>();

/** The catalog clustered as `npm run seed -- --k k` does, once per catalog and k. */
export function clusteringOf(catalog: EvalCatalog, k: number): CatalogClustering {
  let byK = clusterings.get(catalog);
  if (!byK) clusterings.set(catalog, (byK = new Map()));
  let clustering = byK.get(k);
  if (!clustering) byK.set(k, (clustering = clusterCatalog(catalog, k, KMEANS_SEED)));
  return clustering;
}

/** The app's method on playlists: genres visible as GenreView allows while each playlist is evaluated. */
export function appMethod(catalog: EvalCatalog, view: GenreView, settings: AppSettings, id: string, label: string): PlaylistMethod {
  const clustering = clusteringOf(catalog, settings.k);
  const recommend = appReplay(catalog, clustering, settings);
  return {
    id,
    label,
    recommend(user, limit) {
      const recTrack = (index: number): RecTrack => ({
        ...catalog.recTrack(index, clustering.assignments[index]),
        genres: settings.genres ? view.visibleGenres(index, user.playlistId) : [],
      });
      return recommend(user.liked, limit, recTrack);
    },
  };
}

export interface SweepVariant {
  /** What differs from the app's defaults, e.g. "k = 8" or "artist weight 0". */
  change: string;
  settings: AppSettings;
}

/** One change at a time from the defaults: what docs/evaluation.md's sweep table shows. */
export function sweepVariants(defaults: AppSettings = APP_DEFAULTS): SweepVariant[] {
  const variants: SweepVariant[] = [];
  const add = (change: string, patch: Partial<AppSettings>) => variants.push({ change, settings: { ...defaults, ...patch } });
  const weight = (name: keyof RankWeights, value: number) =>
    add(`${name} weight ${value}`, { weights: { ...defaults.weights, [name]: value } });
  for (const k of [4, 6, 12, 16]) if (k !== defaults.k) add(`k = ${k}`, { k });
  for (const floor of [20, 40, 70]) if (floor !== defaults.minPopularity) add(`popularity floor ${floor}`, { minPopularity: floor });
  for (const cap of [2, 5, 10]) if (cap !== defaults.maxPerArtist) add(`at most ${cap} per artist`, { maxPerArtist: cap });
  for (const value of [0, 0.5, 2]) if (value !== defaults.weights.sound) weight("sound", value);
  for (const value of [0, 1, 4]) if (value !== defaults.weights.genre) weight("genre", value);
  for (const value of [0, 1, 5]) if (value !== defaults.weights.artist) weight("artist", value);
  for (const value of [0, 1, 2]) if (value !== defaults.weights.popularity) weight("popularity", value);
  add("mix mode", { mode: "mix" });
  add("no liked-artist candidates", { likedArtistsPool: false });
  add("no genres", { genres: false });
  return variants;
}
