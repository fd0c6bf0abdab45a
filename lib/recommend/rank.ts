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
    for (const name of new Set(artistKeysOf(track))) artists.set(name, (artists.get(name) ?? 0) + 1);
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
 * A candidate's score, and with `reasons` what made it: for the few songs picked (every row is
 * scored by scoreRows, with the same arithmetic on typed arrays, which must give the same score).
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

/** The id of `name` in `ids`, given the next free one if it has none. */
function idIn(ids: Map<string, number>, name: string): number {
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = ids.size));
  return id;
}

/**
 * Genre names and artist keys as small integers, shared by the candidate tables of one catalog
 * version: a candidate's genre and artist signals become array reads instead of map look-ups.
 */
export class CandidateVocabulary {
  readonly genres = new Map<string, number>();
  readonly artists = new Map<string, number>();
  // Scratch arrays by id for one ranking at a time (ranking is synchronous): filled from the
  // request's signals, and the entries set are put back to 0 before it returns.
  private genreShareScratch = new Float64Array(0);
  private artistSongsScratch = new Float64Array(0);
  private artistExcludedScratch = new Uint8Array(0);
  private keptScratch: KeptRows = {
    count: 0, scores: new Float64Array(0), popularities: new Float64Array(0), tableOf: new Int32Array(0), rowOf: new Int32Array(0),
  };
  private heapScratch = new Int32Array(0);

  genreId(genre: string): number {
    return idIn(this.genres, genre);
  }

  artistId(key: string): number {
    return idIn(this.artists, key);
  }

  /** The scratch arrays, at least as long as the vocabulary, all zero. */
  scratch() {
    if (this.genreShareScratch.length < this.genres.size) this.genreShareScratch = new Float64Array(this.genres.size * 2);
    if (this.artistSongsScratch.length < this.artists.size) {
      this.artistSongsScratch = new Float64Array(this.artists.size * 2);
      this.artistExcludedScratch = new Uint8Array(this.artists.size * 2);
    }
    return { genreShare: this.genreShareScratch, artistSongs: this.artistSongsScratch, artistExcluded: this.artistExcludedScratch };
  }

  /** Room for `rows` scored rows and their heap, reused from one ranking to the next (no garbage per request). */
  keptRows(rows: number): { kept: KeptRows; heap: Int32Array } {
    if (this.keptScratch.scores.length < rows) {
      const size = Math.max(rows, 2 * this.keptScratch.scores.length);
      this.keptScratch = {
        count: 0, scores: new Float64Array(size), popularities: new Float64Array(size), tableOf: new Int32Array(size), rowOf: new Int32Array(size),
      };
      this.heapScratch = new Int32Array(size);
    }
    this.keptScratch.count = 0;
    return { kept: this.keptScratch, heap: this.heapScratch };
  }
}

/** The typed columns of a CandidateTable, shared by its views. */
interface CandidateColumns {
  readonly tracks: readonly RecTrack[];
  readonly dims: number;
  readonly z: Float64Array;
  readonly popularity: Float64Array;
  readonly explicit: Uint8Array;
  /** Row r's genres are genreIds[genreStart[r] … genreStart[r + 1]), in the track's order. */
  readonly genreStart: Int32Array;
  readonly genreIds: Int32Array;
  readonly artistStart: Int32Array;
  readonly artistIds: Int32Array;
}

/**
 * Candidates laid out for scoring: standardized features, popularity and genre and artist ids in
 * typed arrays, built once per candidate pool and catalog version, so that scoring ~2,000 of them
 * per request is a loop over numbers. Its first `length` rows are used, less the `skip` ones: a
 * pool comes most popular first, so the songs above a popularity floor are a prefix of it. (A
 * class, so that every table and view has one shape and the scoring loop stays monomorphic.)
 */
export class CandidateTable {
  constructor(
    readonly columns: CandidateColumns,
    readonly length: number,
    /** Rows to leave out (1), e.g. songs another table of the same ranking already holds. */
    readonly skip: Uint8Array | null,
  ) {}

  get tracks() {
    return this.columns.tracks;
  }

  /** The first `length` rows, less the `skip` ones (no copy). */
  prefix(length: number, skip: Uint8Array | null = this.skip): CandidateTable {
    return length === this.length && skip === this.skip ? this : new CandidateTable(this.columns, Math.min(length, this.tracks.length), skip);
  }

  /** How many of the first rows have popularity ≥ floor (in a table in popularity order: those above it). */
  rowsAbove(floor: number): number {
    const { popularity } = this.columns;
    let rows = 0;
    while (rows < this.length && popularity[rows] >= floor) rows++;
    return rows;
  }
}

export function candidateTable(tracks: readonly RecTrack[], vocabulary: CandidateVocabulary): CandidateTable {
  const dims = tracks.length ? tracks[0].z.length : 0;
  const z = new Float64Array(tracks.length * dims);
  const popularity = new Float64Array(tracks.length);
  const explicit = new Uint8Array(tracks.length);
  const genreStart = new Int32Array(tracks.length + 1);
  const artistStart = new Int32Array(tracks.length + 1);
  const genreIds: number[] = [];
  const artistIds: number[] = [];
  tracks.forEach((track, row) => {
    z.set(track.z, row * dims);
    popularity[row] = track.popularity;
    explicit[row] = track.explicit === true ? 1 : 0;
    for (const genre of track.genres) genreIds.push(vocabulary.genreId(genre));
    for (const key of artistKeysOf(track)) artistIds.push(vocabulary.artistId(key));
    genreStart[row + 1] = genreIds.length;
    artistStart[row + 1] = artistIds.length;
  });
  const columns: CandidateColumns = {
    tracks, dims, z, popularity, explicit,
    genreStart, genreIds: Int32Array.from(genreIds), artistStart, artistIds: Int32Array.from(artistIds),
  };
  return new CandidateTable(columns, tracks.length, null);
}

/**
 * Ranks `candidates` (already from the right cluster and above the popularity floor) by score:
 * closeness to the centroid of `liked` (the user's songs in that cluster), the user's affinity for
 * the candidate's genres and artists, and popularity; popularity, then id, break ties. Drops songs
 * the user already likes (by id or by normalized title + artist), other versions of a song already
 * picked, explicit songs when not allowed, and artists past their cap.
 */
export function rankCandidates(candidates: readonly RecTrack[], liked: readonly RecTrack[], options: RankOptions): Recommendation[] {
  const vocabulary = new CandidateVocabulary();
  return rankTables([candidateTable(candidates, vocabulary)], vocabulary, liked, options);
}

/**
 * rankCandidates over the rows of `tables` (built with `vocabulary`). A song in two tables would be
 * scored twice but picked once (its second copy has the same match key); the callers' skip masks
 * only spare that work.
 */
export function rankTables(
  tables: readonly CandidateTable[], vocabulary: CandidateVocabulary, liked: readonly RecTrack[], options: RankOptions,
): Recommendation[] {
  if (options.limit <= 0) return [];
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const likedIds = new Set([...(options.excludeIds ?? []), ...liked.map((t) => t.id)]);
  const seenSongs = new Set([...(options.excludeSongs ?? []), ...liked.map((t) => t.matchKey)]);
  const taste = liked.length ? centroidOf(liked.map((t) => t.z)) : null;

  // Scores of the rows kept, with their table and row; reasons are worked out for the picked only.
  let total = 0;
  for (const table of tables) total += table.length;
  const { kept, heap } = vocabulary.keptRows(total);
  const { genreShare, artistSongs, artistExcluded } = vocabulary.scratch();
  const touchedGenres: number[] = [];
  const touchedArtists: number[] = [];
  const signals = options.signals;
  try {
    // The request's signals as arrays by id; put back to 0 below, whatever happens.
    if (signals) {
      for (const [genre, share] of signals.genres) {
        const id = vocabulary.genres.get(genre);
        if (id !== undefined) touchedGenres.push(id), (genreShare[id] = share);
      }
      for (const [key, songs] of signals.artists) {
        const id = vocabulary.artists.get(key);
        if (id !== undefined) touchedArtists.push(id), (artistSongs[id] = songs);
      }
    }
    let anyArtistExcluded = false;
    for (const key of options.excludeArtists ?? []) {
      const id = vocabulary.artists.get(key);
      if (id !== undefined) touchedArtists.push(id), (artistExcluded[id] = 1), (anyArtistExcluded = true);
    }
    const scoring: Scoring = {
      taste, weights, allowExplicit: options.allowExplicit, withSignals: signals !== undefined,
      genreShare, artistSongs, artistExcluded, anyArtistExcluded,
    };
    for (let t = 0; t < tables.length; t++) scoreRows(tables[t], t, scoring, kept);
  } finally {
    for (const id of touchedGenres) genreShare[id] = 0;
    for (const id of touchedArtists) (artistSongs[id] = 0), (artistExcluded[id] = 0);
  }
  const { scores, popularities, tableOf, rowOf } = kept;

  const trackAt = (k: number) => tables[tableOf[k]].tracks[rowOf[k]];
  // Higher score first; popularity, then id, break ties (ids are unique: a strict order).
  const before = (a: number, b: number) =>
    scores[a] !== scores[b] ? scores[a] > scores[b]
    : popularities[a] !== popularities[b] ? popularities[a] > popularities[b]
    : trackAt(a).id < trackAt(b).id;

  const perArtist = new Map<string, number>();
  const picked: Recommendation[] = [];
  const order = new LazyOrder(heap, kept.count, before);
  for (let index = order.next(); index >= 0 && picked.length < options.limit; index = order.next()) {
    const track = trackAt(index);
    // Checked here, for the few songs taken in order, rather than for every row: reading each
    // row's track object to get its id cost more than scoring it (and skipping a song here or
    // before scoring leaves the same order for the rest).
    if (likedIds.has(track.id) || seenSongs.has(track.matchKey)) continue;
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

/** What scoring a row needs besides the row: the request's taste and signals as arrays by id. */
interface Scoring {
  taste: number[] | null;
  weights: RankWeights;
  allowExplicit: boolean;
  withSignals: boolean;
  genreShare: Float64Array;
  artistSongs: Float64Array;
  artistExcluded: Uint8Array;
  anyArtistExcluded: boolean;
}

/** Scores, popularity and place of the rows kept, in the order they were scored. */
interface KeptRows {
  count: number;
  scores: Float64Array;
  popularities: Float64Array;
  tableOf: Int32Array;
  rowOf: Int32Array;
}

/** Scores the table's rows into `kept`, leaving out explicit songs when not allowed and excluded artists. */
function scoreRows(table: CandidateTable, tableIndex: number, scoring: Scoring, kept: KeptRows) {
  const { dims, z, popularity, explicit, genreStart, genreIds, artistStart, artistIds } = table.columns;
  const { length, skip } = table;
  const { taste, allowExplicit, withSignals, genreShare, artistSongs, artistExcluded, anyArtistExcluded } = scoring;
  const { sound, genre, artist, popularity: popularityWeight } = scoring.weights;
  const { scores, popularities, tableOf, rowOf } = kept;
  let count = kept.count;
  rows: for (let row = 0; row < length; row++) {
    if (skip !== null && skip[row] === 1) continue;
    if (!allowExplicit && explicit[row] === 1) continue;
    const firstArtist = artistStart[row];
    const endArtist = artistStart[row + 1];
    if (anyArtistExcluded) {
      for (let a = firstArtist; a < endArtist; a++) if (artistExcluded[artistIds[a]] === 1) continue rows;
    }
    // The same arithmetic, in the same order, as scoreOf: the two must agree to the last bit.
    let distance = 0;
    if (taste !== null) {
      let sum = 0;
      for (let d = 0, at = row * dims; d < dims; d++, at++) {
        const diff = z[at] - taste[d];
        sum += diff * diff;
      }
      distance = Math.sqrt(sum);
    }
    let genreAffinity = 0;
    let likedSongs = 0;
    if (withSignals) {
      const firstGenre = genreStart[row];
      for (let g = firstGenre, end = genreStart[row + 1]; g < end; g++) {
        const affinity = genreShare[genreIds[g]] * (g === firstGenre ? 1 : SECONDARY_GENRE_FACTOR);
        if (affinity > genreAffinity) genreAffinity = affinity;
      }
      for (let a = firstArtist; a < endArtist; a++) {
        const songs = artistSongs[artistIds[a]];
        if (songs > likedSongs) likedSongs = songs;
      }
    }
    scores[count] =
      -sound * distance +
      genre * genreAffinity +
      artist * (likedSongs === 0 ? 0 : 1 - 0.5 ** likedSongs) + // 1 − ½⁰ is 0 exactly; pow costs
      popularityWeight * (popularity[row] / 100);
    popularities[count] = popularity[row];
    tableOf[count] = tableIndex;
    rowOf[count] = row;
    count++;
  }
  kept.count = count;
}

/**
 * 0..count-1 in the order `before` defines, lazily, from a binary heap: building it takes O(n)
 * and each next one O(log n), so when the caller stops after a few dozen of 2,000 candidates
 * the rest are never ordered. next() is -1 once all are out.
 */
class LazyOrder {
  private size: number;

  /** `heap`: room for at least `count` entries, overwritten. */
  constructor(private readonly heap: Int32Array, count: number, private readonly before: (a: number, b: number) => boolean) {
    for (let i = 0; i < count; i++) this.heap[i] = i;
    this.size = count;
    for (let i = (count >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  next(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0];
    this.heap[0] = this.heap[--this.size];
    this.siftDown(0);
    return top;
  }

  private siftDown(from: number) {
    const { heap, size, before } = this;
    for (let at = from; ; ) {
      const left = 2 * at + 1;
      if (left >= size) return;
      const child = left + 1 < size && before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!before(heap[child], heap[at])) return;
      const swap = heap[at];
      heap[at] = heap[child];
      heap[child] = swap;
      at = child;
    }
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
