// The recommenders compared on real playlists. Each sees a playlist's liked songs (and genres
// computed without that playlist's rows) and returns up to `limit` track indices, best first. Pure.
import { fitKMeans } from "../clustering/kmeans";
import { MAX_LIKED_ARTISTS, mostLikedArtists, popularityFloors, rankCandidates, tasteSignals, type RankWeights } from "../recommend/rank";
import { apportion, clusterShares, type RecTrack } from "../recommend/taste";
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

/**
 * The app's method as lib/recommend/service.ts runs it: the dominant cluster (or the mix's slots),
 * candidates from it above the popularity floor (its most popular songs, plus the liked artists'
 * songs), ranked by the app's rankCandidates with the user's genre and artist signals; the floor
 * drops by 10 while the list is short.
 */
export function appMethod(catalog: EvalCatalog, view: GenreView, settings: AppSettings, id: string, label: string): PlaylistMethod {
  const clustering = clusteringOf(catalog, settings.k);
  const { tracks } = catalog;
  const byPopularity = Array.from({ length: settings.k }, () => [] as number[]);
  tracks.forEach((_, i) => byPopularity[clustering.assignments[i]].push(i));
  for (const list of byPopularity) {
    list.sort((a, b) => tracks[b].popularity - tracks[a].popularity || (tracks[a].id < tracks[b].id ? -1 : 1));
  }
  // Like the app's (cluster_id, primary_artist) query; in popularity order like byPopularity.
  const byClusterArtist = new Map<string, number[]>();
  for (const list of byPopularity) {
    for (const i of list) {
      const key = `${clustering.assignments[i]}|${tracks[i].artists[0]}`;
      const tracksOfArtist = byClusterArtist.get(key);
      if (tracksOfArtist) tracksOfArtist.push(i);
      else byClusterArtist.set(key, [i]);
    }
  }

  return {
    id,
    label,
    recommend(user, limit) {
      const recTrack = (index: number): RecTrack => ({
        ...catalog.recTrack(index, clustering.assignments[index]),
        genres: settings.genres ? view.visibleGenres(index, user.playlistId) : [],
      });
      const liked = user.liked.map(recTrack);
      const signals = tasteSignals(liked);
      const likedArtists = mostLikedArtists(liked, MAX_LIKED_ARTISTS);
      const shares = clusterShares(liked.map((t) => t.clusterId));
      const slots = apportion(shares.map((s) => s.share), limit);
      const plan = settings.mode === "mix"
        ? shares.map((s, i) => ({ clusterId: s.clusterId, slots: slots[i] })).filter((p) => p.slots > 0)
        : [{ clusterId: shares[0].clusterId, slots: limit }];
      const picked: number[] = [];
      const pickedSongs = new Set(liked.map((t) => t.matchKey));
      for (const { clusterId, slots: wanted } of plan) {
        const likedHere = liked.filter((t) => t.clusterId === clusterId);
        const ordered = byPopularity[clusterId];
        const popularAbove = (floor: number, pool: number) => {
          const popular: number[] = [];
          for (let j = 0; j < ordered.length && j < pool && tracks[ordered[j]].popularity >= floor; j++) popular.push(ordered[j]);
          return popular;
        };
        const candidatesWith = (popular: number[], floor: number) => {
          const chosen = new Set(popular);
          if (settings.likedArtistsPool) {
            for (const artist of likedArtists) {
              for (const i of byClusterArtist.get(`${clusterId}|${artist}`) ?? []) if (tracks[i].popularity >= floor) chosen.add(i);
            }
          }
          return [...chosen].map(recTrack);
        };
        const rank = (candidates: RecTrack[]) =>
          rankCandidates(candidates, likedHere, {
            limit: wanted,
            maxPerArtist: settings.maxPerArtist,
            allowExplicit: true,
            excludeIds: new Set(liked.map((t) => t.id)),
            excludeSongs: pickedSongs,
            signals,
            weights: settings.weights,
          });
        for (const floor of popularityFloors(settings.minPopularity)) {
          let pool = Math.max(settings.candidatePool, wanted * 20);
          let popular = popularAbove(floor, pool);
          let ranked = rank(candidatesWith(popular, floor));
          while (ranked.length < wanted && popular.length === pool && pool < settings.maxCandidatePool) {
            pool = Math.min(pool * 4, settings.maxCandidatePool);
            popular = popularAbove(floor, pool);
            ranked = rank(candidatesWith(popular, floor));
          }
          if (ranked.length >= wanted || floor === 0 || popular.length === pool) {
            for (const r of ranked) {
              picked.push(catalog.indexOf(r.track.id));
              pickedSongs.add(r.track.matchKey);
            }
            break;
          }
        }
      }
      return picked;
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
