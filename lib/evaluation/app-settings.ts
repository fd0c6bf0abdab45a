// The app's recommendation settings as the offline evaluation replays them. Pure data.
import { DEFAULT_WEIGHTS, SOUND_ONLY_WEIGHTS, type RankWeights } from "../recommend/rank";

/**
 * The app's recommendation settings. APP_DEFAULTS mirrors lib/recommend/service.ts (DEFAULT_REQUEST,
 * candidate pools) and lib/catalog/seed.ts (DEFAULT_K); evaluation tests check they agree.
 */
export interface AppSettings {
  k: number;
  mode: "dominant" | "mix";
  minPopularity: number;
  maxPerArtist: number;
  weights: RankWeights;
  /** Candidates: the cluster's most popular songs above the floor, this many at first… */
  candidatePool: number;
  /** …widened ×4 up to this while the list is short. */
  maxCandidatePool: number;
  /** Also every song above the floor by an artist of the liked songs (the app's artist query). */
  likedArtistsPool: boolean;
  /** Genres visible to the ranking (false: the app before genres were stored). */
  genres: boolean;
}

/** The app's defaults (lib/recommend/service.ts and lib/catalog/seed.ts; checked by evaluation.test.ts). */
export const APP_DEFAULTS: AppSettings = {
  k: 8,
  mode: "dominant",
  minPopularity: 0,
  maxPerArtist: 3,
  weights: DEFAULT_WEIGHTS,
  candidatePool: 1_500,
  maxCandidatePool: 24_000,
  likedArtistsPool: true,
  genres: true,
};

/** The app before it knew genres and artists: k = 8, sound only, popularity ≥ 70, 2 songs per artist. */
export const APP_BEFORE: AppSettings = {
  k: 8,
  mode: "dominant",
  minPopularity: 70,
  maxPerArtist: 2,
  weights: SOUND_ONLY_WEIGHTS,
  candidatePool: 1_500,
  maxCandidatePool: 24_000,
  likedArtistsPool: false,
  genres: false,
};

