import { squaredDistance } from "../clustering/kmeans";
import { centroidOf, type RecTrack } from "./taste";

/**
 * How much each signal counts in a candidate's score (see scoreOf). Chosen on real playlists:
 * docs/evaluation.md has the sweep. Sound keeps the cluster's meaning (closeness to the user's
 * taste there); artists and genres are what the catalog knows beyond sound; popularity is a prior.
 */
export interface RankWeights {
  /** Per unit of Euclidean distance to the user's taste centroid in z-space (subtracted). */
  sound: number;
  /** Times the user's share of the candidate's best-matching genre (0..1; half for a genre after its main one). */
  genre: number;
  /** Times 1 − ½^n, n = the user's liked songs by the candidate's artist (0, ½, ¾, …). */
  artist: number;
  /** Times popularity / 100. */
  popularity: number;
}

export const DEFAULT_WEIGHTS: RankWeights = { sound: 1, genre: 2, artist: 3, popularity: 0.5 };

/** How much a track's genres after its main one count (the sweep in docs/evaluation.md). */
const SECONDARY_GENRE_FACTOR = 0.5;

/** Sound alone: how the app ranked before it knew genres and artists (kept for the evaluation). */
export const SOUND_ONLY_WEIGHTS: RankWeights = { sound: 1, genre: 0, artist: 0, popularity: 0 };

/** What the user's liked songs say beyond sound: the genres and artists they like. */
export interface TasteSignals {
  /** Share of the user's genre weight per genre: each liked song with genres spreads 1 over them. */
  genres: ReadonlyMap<string, number>;
  /** Liked songs per artist, keyed by lowercased name (any credited artist). */
  artists: ReadonlyMap<string, number>;
}

export const artistKey = (name: string) => name.toLocaleLowerCase();

// Lower-casing is the costliest step of scoring a candidate: done once per artists list (cached
// candidates share theirs from one request to the next).
const artistKeysByList = new WeakMap<readonly string[], string[]>();
function artistKeysOf(artists: readonly string[]): string[] {
  let keys = artistKeysByList.get(artists);
  if (!keys) artistKeysByList.set(artists, (keys = artists.map(artistKey)));
  return keys;
}

export function tasteSignals(liked: readonly RecTrack[]): TasteSignals {
  const genreWeight = new Map<string, number>();
  let genreTotal = 0;
  const artists = new Map<string, number>();
  for (const track of liked) {
    if (track.genres.length > 0) {
      for (const genre of track.genres) genreWeight.set(genre, (genreWeight.get(genre) ?? 0) + 1 / track.genres.length);
      genreTotal++;
    }
    for (const name of new Set(track.artists.map(artistKey))) artists.set(name, (artists.get(name) ?? 0) + 1);
  }
  const genres = new Map([...genreWeight].map(([genre, weight]) => [genre, weight / genreTotal]));
  return { genres, artists };
}

export interface RankOptions {
  limit: number;
  /** At most this many songs by one primary artist. */
  maxPerArtist: number;
  allowExplicit: boolean;
  /** Songs never to recommend (all the user's liked songs, songs already picked elsewhere). */
  excludeIds?: ReadonlySet<string>;
  excludeSongs?: ReadonlySet<string>;
  /** Artists never to recommend, as artistKey spells them: a song is left out when any of its artists is here. */
  excludeArtists?: ReadonlySet<string>;
  /** Genres and artists of all the user's liked songs (not only this cluster's); none: sound only. */
  signals?: TasteSignals;
  weights?: RankWeights;
}

/** "Why this song": what drove its score. */
export interface Recommendation {
  track: RecTrack;
  score: number;
  /** Distance to the user's taste in the standardized space (smaller is closer). */
  distance: number;
  /** The liked song this one sounds closest to. */
  becauseOf: { id: string; name: string; primaryArtist: string } | null;
  /** The candidate's genre that counted most, with the user's share of it among their songs' genres. */
  sharedGenre: { genre: string; share: number } | null;
  /** One of the candidate's artists the user likes, with how many of their liked songs are by it. */
  likedArtist: { name: string; likedSongs: number } | null;
}

interface Scored {
  track: RecTrack;
  score: number;
  distance: number;
  sharedGenre: Recommendation["sharedGenre"];
  likedArtist: Recommendation["likedArtist"];
}

function scoreOf(track: RecTrack, taste: number[] | null, signals: TasteSignals | undefined, weights: RankWeights): Scored {
  const distance = taste ? Math.sqrt(squaredDistance(track.z, taste)) : 0;
  let sharedGenre: Scored["sharedGenre"] = null;
  let genreAffinity = 0;
  let likedArtist: Scored["likedArtist"] = null;
  if (signals) {
    // A track's genres come most frequent first: its main genre counts fully, the others half.
    for (const [position, genre] of track.genres.entries()) {
      const share = signals.genres.get(genre) ?? 0;
      const affinity = share * (position === 0 ? 1 : SECONDARY_GENRE_FACTOR);
      if (affinity > genreAffinity) {
        genreAffinity = affinity;
        sharedGenre = { genre, share };
      }
    }
    const keys = artistKeysOf(track.artists);
    for (let a = 0; a < keys.length; a++) {
      const likedSongs = signals.artists.get(keys[a]) ?? 0;
      if (likedSongs > 0 && likedSongs > (likedArtist?.likedSongs ?? 0)) likedArtist = { name: track.artists[a], likedSongs };
    }
  }
  const score =
    -weights.sound * distance +
    weights.genre * genreAffinity +
    weights.artist * (1 - 0.5 ** (likedArtist?.likedSongs ?? 0)) +
    weights.popularity * (track.popularity / 100);
  return { track, score, distance, sharedGenre, likedArtist };
}

/**
 * Ranks `candidates` (already from the right cluster and above the popularity floor) by score:
 * closeness to the centroid of `liked` (the user's songs in that cluster), the user's affinity for
 * the candidate's genres and artists, and popularity; popularity, then id, break ties. Drops songs
 * the user already likes (by id or by normalized title + artist), other versions of a song already
 * picked, explicit songs when not allowed, and artists past their cap.
 */
export function rankCandidates(candidates: readonly RecTrack[], liked: readonly RecTrack[], options: RankOptions): Recommendation[] {
  if (options.limit <= 0) return [];
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const likedIds = new Set([...(options.excludeIds ?? []), ...liked.map((t) => t.id)]);
  const seenSongs = new Set([...(options.excludeSongs ?? []), ...liked.map((t) => t.matchKey)]);
  const taste = liked.length ? centroidOf(liked.map((t) => t.z)) : null;
  const scored = candidates
    .filter((t) => !likedIds.has(t.id) && (options.allowExplicit || t.explicit !== true))
    .filter((t) => !options.excludeArtists?.size || !artistKeysOf(t.artists).some((a) => options.excludeArtists!.has(a)))
    .map((track) => scoreOf(track, taste, options.signals, weights))
    .sort((a, b) => b.score - a.score || b.track.popularity - a.track.popularity || (a.track.id < b.track.id ? -1 : 1));
  const perArtist = new Map<string, number>();
  const picked: Recommendation[] = [];
  for (const { track, ...why } of scored) {
    if (picked.length >= options.limit) break;
    if (seenSongs.has(track.matchKey)) continue;
    const primary = artistKey(track.primaryArtist);
    const byArtist = perArtist.get(primary) ?? 0;
    if (byArtist >= options.maxPerArtist) continue;
    perArtist.set(primary, byArtist + 1);
    seenSongs.add(track.matchKey);
    picked.push({ track, ...why, becauseOf: closestLiked(track, liked) });
  }
  return picked;
}

function closestLiked(track: RecTrack, liked: readonly RecTrack[]): Recommendation["becauseOf"] {
  let best: RecTrack | null = null;
  let bestDistance = Infinity;
  for (const candidate of liked) {
    const distance = squaredDistance(track.z, candidate.z);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best && { id: best.id, name: best.name, primaryArtist: best.primaryArtist };
}

/**
 * Popularity floors to try in turn when too few songs pass the requested one:
 * the requested floor, then 10 lower each time, down to 0.
 */
export function popularityFloors(requested: number): number[] {
  const floors = [requested];
  for (let floor = Math.floor((requested - 1) / 10) * 10; floor >= 0 && requested > 0; floor -= 10) floors.push(floor);
  return floors;
}

/**
 * Candidates by liked artists come from at most this many artists, the most liked first: a library
 * of 20,000 songs names thousands, and one query for all their songs would be most of a cluster.
 */
export const MAX_LIKED_ARTISTS = 500;

/** Primary artists of the liked songs, most liked songs first (ties: the most recently liked first). */
export function mostLikedArtists(liked: readonly { primaryArtist: string }[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const t of liked) counts.set(t.primaryArtist, (counts.get(t.primaryArtist) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!).slice(0, limit);
}
