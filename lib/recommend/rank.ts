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

// Lower-casing is the costliest step of scoring a candidate: done once per track (a candidate pool
// built per catalog version carries them in `artistKeys`) or once per artists list.
const artistKeysByList = new WeakMap<readonly string[], readonly string[]>();
function artistKeysOf(track: RecTrack): readonly string[] {
  if (track.artistKeys) return track.artistKeys;
  let keys = artistKeysByList.get(track.artists);
  if (!keys) artistKeysByList.set(track.artists, (keys = track.artists.map(artistKey)));
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

/** What scoreOf found besides the score: the distance and the signals that drove it. */
interface ScoreReasons {
  distance: number;
  sharedGenre: Recommendation["sharedGenre"];
  likedArtist: Recommendation["likedArtist"];
}

/**
 * A candidate's score, and with `reasons` what made it. Every candidate is scored but only the
 * few picked need their reasons, so the loop allocates nothing unless asked: ranking a pool of
 * 1,500 songs per request made garbage collection a visible share of a request.
 */
function scoreOf(
  track: RecTrack, taste: number[] | null, signals: TasteSignals | undefined, weights: RankWeights, reasons?: ScoreReasons,
): number {
  const distance = taste ? Math.sqrt(squaredDistance(track.z, taste)) : 0;
  let genreAffinity = 0;
  let genrePosition = -1;
  let likedSongs = 0;
  let artistPosition = -1;
  if (signals) {
    // A track's genres come most frequent first: its main genre counts fully, the others half.
    const genres = track.genres;
    for (let position = 0; position < genres.length; position++) {
      const share = signals.genres.get(genres[position]) ?? 0;
      const affinity = share * (position === 0 ? 1 : SECONDARY_GENRE_FACTOR);
      if (affinity > genreAffinity) {
        genreAffinity = affinity;
        genrePosition = position;
      }
    }
    const keys = artistKeysOf(track);
    for (let a = 0; a < keys.length; a++) {
      const songs = signals.artists.get(keys[a]) ?? 0;
      if (songs > likedSongs) {
        likedSongs = songs;
        artistPosition = a;
      }
    }
  }
  if (reasons) {
    reasons.distance = distance;
    reasons.sharedGenre = genrePosition < 0 ? null : { genre: track.genres[genrePosition], share: signals!.genres.get(track.genres[genrePosition])! };
    reasons.likedArtist = artistPosition < 0 ? null : { name: track.artists[artistPosition], likedSongs };
  }
  return (
    -weights.sound * distance +
    weights.genre * genreAffinity +
    weights.artist * (1 - 0.5 ** likedSongs) +
    weights.popularity * (track.popularity / 100)
  );
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
  const excludedArtists = options.excludeArtists?.size ? options.excludeArtists : null;

  // Scores only, in plain arrays; then an order over them. Reasons are worked out for the picked.
  const kept: RecTrack[] = [];
  const scores: number[] = [];
  for (const track of candidates) {
    if (likedIds.has(track.id) || (!options.allowExplicit && track.explicit === true)) continue;
    if (excludedArtists && artistKeysOf(track).some((a) => excludedArtists.has(a))) continue;
    kept.push(track);
    scores.push(scoreOf(track, taste, options.signals, weights));
  }
  // Higher score first; popularity, then id, break ties (ids are unique: a strict order).
  const before = (a: number, b: number) =>
    scores[a] !== scores[b] ? scores[a] > scores[b]
    : kept[a].popularity !== kept[b].popularity ? kept[a].popularity > kept[b].popularity
    : kept[a].id < kept[b].id;

  const perArtist = new Map<string, number>();
  const picked: Recommendation[] = [];
  for (const index of inOrder(kept.length, before)) {
    if (picked.length >= options.limit) break;
    const track = kept[index];
    if (seenSongs.has(track.matchKey)) continue;
    const primary = artistKey(track.primaryArtist);
    const byArtist = perArtist.get(primary) ?? 0;
    if (byArtist >= options.maxPerArtist) continue;
    perArtist.set(primary, byArtist + 1);
    seenSongs.add(track.matchKey);
    const reasons: ScoreReasons = { distance: 0, sharedGenre: null, likedArtist: null };
    const score = scoreOf(track, taste, options.signals, weights, reasons);
    picked.push({
      track, score, distance: reasons.distance, sharedGenre: reasons.sharedGenre, likedArtist: reasons.likedArtist,
      becauseOf: closestLiked(track, liked),
    });
  }
  return picked;
}

/**
 * 0..count-1 in the order `before` defines, lazily, from a binary heap: building it takes O(n)
 * and each next one O(log n), so when the caller stops after a few dozen of 2,000 candidates
 * the rest are never ordered (a full sort ordered them all, with a closure call per comparison).
 */
function* inOrder(count: number, before: (a: number, b: number) => boolean): Generator<number> {
  const heap = Array.from({ length: count }, (_, i) => i);
  const siftDown = (from: number, size: number) => {
    for (let at = from; ; ) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const child = left + 1 < size && before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!before(heap[child], heap[at])) return;
      [heap[at], heap[child]] = [heap[child], heap[at]];
      at = child;
    }
  };
  for (let i = (count >> 1) - 1; i >= 0; i--) siftDown(i, count);
  for (let size = count; size > 0; size--) {
    yield heap[0];
    heap[0] = heap[size - 1];
    siftDown(0, size - 1);
  }
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
