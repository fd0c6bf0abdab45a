// The catalog's tracks held as columns while a seed runs, merging rows that repeat a track. Pure.
// On the 586k-track file a row object per track (21 fields, its doubles boxed) cost ~600 bytes and
// the garbage collector's time over the whole read; numbers here live in typed arrays instead, ids
// and names as UTF-8 in one buffer each (StringColumn), and only the lists a track has are objects.
import { byRowCount, COMPARED_FIELDS, countInto, samePlaylist, unionOf, type MergeOutcome } from "./merge";
import type { ParsedChunk } from "./chunk";
import { NO_PLAYLISTS, NO_STRINGS, type CatalogTrack, type ClusterFeature } from "./types";

/** The real-valued audio features, each a Float64Array column (the values exactly as parsed). */
export const AUDIO_FEATURES = [
  "danceability", "energy", "loudness", "speechiness", "acousticness", "instrumentalness", "liveness", "valence",
  "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];
export type AudioFeature = (typeof AUDIO_FEATURES)[number];

// Stand-ins for a null in the integer columns (a format without explicit flags or release dates).
const NO_EXPLICIT = -1;
const NO_YEAR = 0;
const INITIAL_CAPACITY = 1024;


/** A copy of a typed array with room for `capacity` values (contents beyond it dropped). */
export function resized<T extends Float64Array | Int32Array | Int16Array | Int8Array>(array: T, capacity: number): T {
  const resized = new (array.constructor as new (length: number) => T)(capacity);
  resized.set(array.length <= capacity ? array : array.subarray(0, capacity));
  return resized;
}

const MAX_ASCII = 0x7f;

/** The numbers kept of each track of a parsed piece (chunk.ts), in this order, in ParsedChunk.numbers. */
export const CHUNK_NUMBERS = [
  "popularity", "durationMs", "explicit", "releaseYear", "key", "mode", "danceability", "energy", "loudness",
  "speechiness", "acousticness", "instrumentalness", "liveness", "valence", "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];

/** Strings one after the other as UTF-8: string i is bytes[ends[i - 1], ends[i]) (string 0 from 0). */
export interface Utf8List {
  bytes: Uint8Array;
  ends: Int32Array;
}

/**
 * One string per row, held as UTF-8 in one growing buffer with each row's end offset. Two strings per
 * track kept as objects (its id and name) were ~1.2M objects on the 600k file that every young
 * collection had to copy and the old generation to trace: about half a second of a seed's read.
 */
export class StringColumn {
  private bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  /** Where row i's bytes end; row i starts where row i - 1 ends (row 0 at 0). */
  private ends = new Int32Array(INITIAL_CAPACITY);
  length = 0;

  push(text: string): void {
    const start = this.startOf(this.length);
    // At most 3 bytes per UTF-16 code unit.
    if (start + 3 * text.length > this.bytes.length) this.bytes = grownBuffer(this.bytes, start + 3 * text.length);
    const bytes = this.bytes;
    let end = start;
    for (let i = 0; i < text.length; i++, end++) {
      // ASCII (nearly every id and name) a character at a time: cheaper than a call into Buffer.write.
      const code = text.charCodeAt(i);
      if (code > MAX_ASCII) {
        end = start + bytes.write(text, start, "utf8");
        break;
      }
      bytes[end] = code;
    }
    if (this.length === this.ends.length) this.ends = resized(this.ends, Math.max(INITIAL_CAPACITY, this.length * 2));
    this.ends[this.length++] = end;
  }

  /** Pushes a string given as UTF-8, bytes[start, end). */
  pushUtf8(bytes: Uint8Array, start: number, end: number): void {
    const at = this.startOf(this.length);
    if (at + end - start > this.bytes.length) this.bytes = grownBuffer(this.bytes, at + end - start);
    // Byte by byte: ids and names are short, and a subarray per call would be an object each.
    const into = this.bytes;
    for (let k = start, to = at; k < end; k++, to++) into[to] = bytes[k];
    if (this.length === this.ends.length) this.ends = resized(this.ends, Math.max(INITIAL_CAPACITY, this.length * 2));
    this.ends[this.length++] = at + end - start;
  }

  at(i: number): string {
    return this.bytes.toString("utf8", this.startOf(i), this.ends[i]);
  }

  /** True when row i holds the string whose UTF-8 is bytes[start, end). */
  equalsUtf8(i: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.startOf(i);
    if (this.ends[i] - from !== end - start) return false;
    for (let k = 0; k < end - start; k++) if (this.bytes[from + k] !== bytes[start + k]) return false;
    return true;
  }

  /** True when row i holds `text`. */
  equals(i: number, text: string): boolean {
    const start = this.startOf(i);
    const length = this.ends[i] - start;
    if (length !== text.length) return length > text.length && this.at(i) === text; // equal only when not ASCII
    for (let k = 0; k < length; k++) {
      const code = text.charCodeAt(k);
      if (code > MAX_ASCII) return this.at(i) === text;
      if (this.bytes[start + k] !== code) return false;
    }
    return true;
  }

  /** Row i's UTF-8 bytes (a view: valid until the next push). */
  utf8At(i: number): Uint8Array {
    return this.bytes.subarray(this.startOf(i), this.ends[i]);
  }

  /**
   * The bytes of every row, row i from startOf(i) to endOf(i): for a writer copying many rows,
   * without a view object per row as utf8At makes. Valid until the next push.
   */
  get utf8(): Uint8Array {
    return this.bytes;
  }

  startOf(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1];
  }

  endOf(i: number): number {
    return this.ends[i];
  }

  /** Makes room for `rows` rows in all, of the length of those so far. */
  reserve(rows: number): void {
    if (rows > this.ends.length) this.ends = resized(this.ends, rows);
    const bytes = this.length === 0 ? 0 : Math.ceil((this.startOf(this.length) / this.length) * rows);
    if (bytes > this.bytes.length) this.bytes = grownBuffer(this.bytes, bytes);
  }

  /** The column's strings in arrays of their own (a Buffer may share its memory with others), to hand to another thread. */
  toUtf8List(): Utf8List {
    return { bytes: Uint8Array.prototype.slice.call(this.bytes, 0, this.startOf(this.length)), ends: this.ends.slice(0, this.length) };
  }

  /** Frees the room the column grew into. */
  trim(): void {
    this.bytes = Buffer.from(this.bytes.subarray(0, this.startOf(this.length)));
    this.ends = this.ends.slice(0, this.length);
  }
}

function grownBuffer(bytes: Buffer, needed: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, needed));
  bytes.copy(bigger);
  return bigger;
}

const EMPTY = -1;
const INITIAL_SLOTS = 1 << 12;

/**
 * Row index by track id: an open-addressing hash table in one Int32Array (a row and the id's hash
 * per slot, side by side: one cache line per probe), probing linearly and kept at most half full. It
 * does the work of a Map<string, number> at a fraction of the cost on the 586k-track file: no entry
 * objects for the garbage collector to trace at every major collection, and one probe into a flat
 * array per lookup.
 */
export class IdIndex {
  /** Slot s: its row at 2s (EMPTY when free), the hash of that row's id at 2s + 1. */
  private slots = new Int32Array(2 * INITIAL_SLOTS).fill(EMPTY);
  private size = 0;

  /** `isIdOf(row, id)` tells whether `id` is the id of row `row`, for every row added; isIdBytesOf, for an id as UTF-8. */
  constructor(
    private readonly isIdOf: (row: number, id: string) => boolean,
    private readonly isIdBytesOf: (row: number, bytes: Uint8Array, start: number, end: number) => boolean = () => false,
  ) {}

  /** The row of `id`, or EMPTY (-1) when it has none. */
  get(id: string): number {
    const hash = hashOf(id);
    const slot = this.slotOf(id, hash);
    return this.slots[2 * slot];
  }

  /** The row of `id` when it has one; otherwise records that it is at `row` and returns EMPTY (-1). */
  findOrAdd(id: string, row: number): number {
    const hash = hashOf(id);
    const slot = this.slotOf(id, hash);
    const found = this.slots[2 * slot];
    if (found !== EMPTY) return found;
    this.insert(slot, hash, row);
    return EMPTY;
  }

  /**
   * findOrAdd for an id given as UTF-8, bytes[start, end): the same hash as the id's string for an
   * ASCII id (a Spotify id always is), so the two kinds of lookup may be mixed.
   */
  findOrAddUtf8(bytes: Uint8Array, start: number, end: number, row: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
    const { slots } = this;
    const mask = slots.length / 2 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const found = slots[2 * slot];
      if (found === EMPTY) {
        this.insert(slot, hash, row);
        return EMPTY;
      }
      if (slots[2 * slot + 1] === hash && this.isIdBytesOf(found, bytes, start, end)) return found;
    }
  }

  /** Puts `row` with its id's `hash` in the free `slot` (or, when the table must grow first, in the one it then has). */
  private insert(slot: number, hash: number, row: number): void {
    if (4 * (this.size + 1) > this.slots.length) {
      this.grow();
      const mask = this.slots.length / 2 - 1;
      for (slot = hash & mask; this.slots[2 * slot] !== EMPTY; slot = (slot + 1) & mask);
    }
    this.slots[2 * slot] = row;
    this.slots[2 * slot + 1] = hash;
    this.size++;
  }

  /** Makes room for `rows` ids in all, so that adding them rehashes nothing. */
  reserve(rows: number): void {
    while (4 * rows > this.slots.length) this.grow();
  }

  /** The slot holding `id`, or the free slot where it would go. */
  private slotOf(id: string, hash: number): number {
    const { slots } = this;
    const mask = slots.length / 2 - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const row = slots[2 * slot];
      if (row === EMPTY || (slots[2 * slot + 1] === hash && this.isIdOf(row, id))) return slot;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2).fill(EMPTY);
    const mask = slots.length / 2 - 1;
    for (let from = 0; from < old.length; from += 2) {
      if (old[from] === EMPTY) continue;
      let slot = old[from + 1] & mask;
      while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[2 * slot] = old[from];
      slots[2 * slot + 1] = old[from + 1];
    }
    this.slots = slots;
  }
}

/** 32-bit FNV-1a of the text's UTF-16 code units. */
function hashOf(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}
const FNV_OFFSET = 0x811c9dc5 | 0; // as a signed 32-bit integer, like Math.imul's results and the Int32Array
const FNV_PRIME = 0x01000193;

/**
 * Tracks in order of first appearance, one column per stored field. `add` merges a row repeating a
 * track into its first row as TrackMerger (merge.ts) does for row objects: union of genres,
 * subgenres and playlists, the first row's features, a repeat with other features counted.
 */
export class TrackTable {
  length = 0;
  /** Track ids and names, as UTF-8 (idAt and nameAt give them as strings). */
  readonly ids = new StringColumn();
  readonly names = new StringColumn();
  readonly artists: string[][] = [];
  genres: string[][] = [];
  subgenres: string[][] = [];
  playlists: CatalogTrack["playlists"][] = [];
  popularity = new Int16Array(INITIAL_CAPACITY);
  durationMs = new Float64Array(INITIAL_CAPACITY);
  /** 1 explicit, 0 not, -1 unknown (see explicitAt). */
  private explicitFlag = new Int8Array(INITIAL_CAPACITY);
  /** 0 for unknown (see releaseYearAt). */
  private year = new Int16Array(INITIAL_CAPACITY);
  key = new Int8Array(INITIAL_CAPACITY);
  mode = new Int8Array(INITIAL_CAPACITY);
  readonly features = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, new Float64Array(INITIAL_CAPACITY)])) as Record<
    AudioFeature,
    Float64Array
  >;

  rowsMerged = 0;
  /** Merged rows whose compared features (merge.ts COMPARED_FIELDS) differ from the first row's. */
  rowsConflicting = 0;
  private readonly isIdOf = (row: number, id: string) => this.ids.equals(row, id);
  private readonly isIdBytesOf = (row: number, bytes: Uint8Array, start: number, end: number) =>
    this.ids.equalsUtf8(row, bytes, start, end);
  private indexById = new IdIndex(this.isIdOf, this.isIdBytesOf);
  /** Row counts per label of the tracks that were merged (only those: most tracks have one row). */
  private labelCounts = new Map<number, { genres: Map<string, number>; subgenres: Map<string, number> }>();

  idAt(i: number): string {
    return this.ids.at(i);
  }

  nameAt(i: number): string {
    return this.names.at(i);
  }

  explicitAt(i: number): boolean | null {
    const flag = this.explicitFlag[i];
    return flag === NO_EXPLICIT ? null : flag === 1;
  }

  releaseYearAt(i: number): number | null {
    const year = this.year[i];
    return year === NO_YEAR ? null : year;
  }

  add(track: CatalogTrack): MergeOutcome {
    const index = this.indexById.findOrAdd(track.id, this.length);
    if (index === EMPTY) {
      this.append(track);
      return "new";
    }
    return this.merge(index, track);
  }

  /**
   * add() for row j of a parsed piece of a 600k-format file (chunk.ts), whose artists the caller
   * gives (as strings it keeps: interned); the row's columns are copied as they are.
   */
  addParsed(chunk: ParsedChunk, j: number, artists: string[]): MergeOutcome {
    const { ids, names, numbers } = chunk;
    const idStart = j === 0 ? 0 : ids.ends[j - 1];
    const index = this.indexById.findOrAddUtf8(ids.bytes, idStart, ids.ends[j], this.length);
    if (index !== EMPTY) return this.merge(index, trackOfChunk(chunk, j, artists));
    const i = this.length;
    if (i === this.popularity.length) this.grow(Math.max(INITIAL_CAPACITY, i * 2));
    this.ids.pushUtf8(ids.bytes, idStart, ids.ends[j]);
    this.names.pushUtf8(names.bytes, j === 0 ? 0 : names.ends[j - 1], names.ends[j]);
    this.artists.push(artists);
    this.genres.push(NO_STRINGS);
    this.subgenres.push(NO_STRINGS);
    this.playlists.push(NO_PLAYLISTS);
    const at = j * CHUNK_NUMBERS.length; // CHUNK_NUMBERS order
    this.popularity[i] = numbers[at];
    this.durationMs[i] = numbers[at + 1];
    this.explicitFlag[i] = numbers[at + 2] === -1 ? NO_EXPLICIT : numbers[at + 2];
    this.year[i] = numbers[at + 3] === 0 ? NO_YEAR : numbers[at + 3];
    this.key[i] = numbers[at + 4];
    this.mode[i] = numbers[at + 5];
    const features = this.features;
    features.danceability[i] = numbers[at + 6];
    features.energy[i] = numbers[at + 7];
    features.loudness[i] = numbers[at + 8];
    features.speechiness[i] = numbers[at + 9];
    features.acousticness[i] = numbers[at + 10];
    features.instrumentalness[i] = numbers[at + 11];
    features.liveness[i] = numbers[at + 12];
    features.valence[i] = numbers[at + 13];
    features.tempo[i] = numbers[at + 14];
    this.length++;
    return "new";
  }

  /** Merges a row repeating the track at `index` into it. */
  private merge(index: number, track: CatalogTrack): MergeOutcome {
    this.rowsMerged++;
    let counts = this.labelCounts.get(index);
    if (!counts) {
      counts = { genres: new Map(), subgenres: new Map() };
      countInto(counts.genres, this.genres[index]);
      countInto(counts.subgenres, this.subgenres[index]);
      this.labelCounts.set(index, counts);
    }
    countInto(counts.genres, track.genres);
    countInto(counts.subgenres, track.subgenres);
    this.genres[index] = unionOf(this.genres[index], track.genres);
    this.subgenres[index] = unionOf(this.subgenres[index], track.subgenres);
    this.playlists[index] = unionOf(this.playlists[index], track.playlists, samePlaylist);
    if (!COMPARED_FIELDS.some((field) => this.valueOf(field, index) !== track[field])) return "merged";
    this.rowsConflicting++;
    return "conflicting";
  }

  /**
   * Makes room for `rows` tracks in all, so that adding them copies no column: a column grown by
   * doubling is copied ~10 times on the way to 600k tracks (~0.1-0.2 s of a seed's read).
   */
  reserve(rows: number): void {
    if (rows <= this.popularity.length) return;
    this.grow(rows);
    this.ids.reserve(rows);
    this.names.reserve(rows);
    this.indexById.reserve(rows);
  }

  /** Orders merged tracks' genres and subgenres most rows first (as TrackMerger.finish) and frees the id index. */
  finish(): this {
    for (const [index, counts] of this.labelCounts) {
      this.genres[index] = byRowCount(this.genres[index], counts.genres);
      this.subgenres[index] = byRowCount(this.subgenres[index], counts.subgenres);
    }
    this.labelCounts = new Map();
    this.indexById = new IdIndex(this.isIdOf, this.isIdBytesOf);
    this.trim();
    this.ids.trim();
    this.names.trim();
    return this;
  }

  /** One clustering feature of every track, standardized later by the caller. */
  feature(name: ClusterFeature): Float64Array {
    return this.features[name].subarray(0, this.length);
  }

  private valueOf(field: (typeof COMPARED_FIELDS)[number], i: number): number {
    if (field === "popularity") return this.popularity[i];
    if (field === "key") return this.key[i];
    if (field === "mode") return this.mode[i];
    return this.features[field][i];
  }

  private append(track: CatalogTrack): void {
    const i = this.length;
    if (i === this.popularity.length) this.grow(Math.max(INITIAL_CAPACITY, i * 2));
    this.ids.push(track.id);
    this.names.push(track.name);
    this.artists.push(track.artists);
    this.genres.push(track.genres);
    this.subgenres.push(track.subgenres);
    this.playlists.push(track.playlists);
    this.popularity[i] = track.popularity;
    this.durationMs[i] = track.durationMs;
    this.explicitFlag[i] = track.explicit === null ? NO_EXPLICIT : track.explicit ? 1 : 0;
    this.year[i] = track.releaseYear ?? NO_YEAR;
    this.key[i] = track.key;
    this.mode[i] = track.mode;
    // One line per feature: a loop over the names (track[f]) costs a keyed lookup per value, ~10M of them on the 600k file.
    const features = this.features;
    features.danceability[i] = track.danceability;
    features.energy[i] = track.energy;
    features.loudness[i] = track.loudness;
    features.speechiness[i] = track.speechiness;
    features.acousticness[i] = track.acousticness;
    features.instrumentalness[i] = track.instrumentalness;
    features.liveness[i] = track.liveness;
    features.valence[i] = track.valence;
    features.tempo[i] = track.tempo;
    this.length++;
  }

  /** Resizes every typed column to `capacity` (at least `length`). */
  /**
   * Cuts every typed column to `length`: a view when at most a quarter of it is unused (a table
   * reserved for its file, a copy of ~55 MB spared), a copy otherwise (grown by doubling, up to half).
   */
  private trim(): void {
    const cut = <T extends Float64Array | Int16Array | Int8Array>(array: T): T =>
      4 * this.length >= 3 * array.length ? (array.subarray(0, this.length) as T) : resized(array, this.length);
    this.popularity = cut(this.popularity);
    this.durationMs = cut(this.durationMs);
    this.explicitFlag = cut(this.explicitFlag);
    this.year = cut(this.year);
    this.key = cut(this.key);
    this.mode = cut(this.mode);
    for (const f of AUDIO_FEATURES) this.features[f] = cut(this.features[f]);
  }

  private grow(capacity: number): void {
    this.popularity = resized(this.popularity, capacity);
    this.durationMs = resized(this.durationMs, capacity);
    this.explicitFlag = resized(this.explicitFlag, capacity);
    this.year = resized(this.year, capacity);
    this.key = resized(this.key, capacity);
    this.mode = resized(this.mode, capacity);
    for (const f of AUDIO_FEATURES) this.features[f] = resized(this.features[f], capacity);
  }
}

/** Row j of a parsed chunk as a CatalogTrack (for merging a repeated track: rare). */
function trackOfChunk(chunk: ParsedChunk, j: number, artists: string[]): CatalogTrack {
  const at = j * CHUNK_NUMBERS.length;
  const value = (name: (typeof CHUNK_NUMBERS)[number]) => chunk.numbers[at + CHUNK_NUMBERS.indexOf(name)];
  const text = ({ bytes, ends }: ParsedChunk["ids"]) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8", j === 0 ? 0 : ends[j - 1], ends[j]);
  const explicit = value("explicit");
  return {
    id: text(chunk.ids), name: text(chunk.names), artists, idArtists: null, releaseDate: null,
    releaseYear: value("releaseYear") === 0 ? null : value("releaseYear"), explicit: explicit === -1 ? null : explicit === 1,
    popularity: value("popularity"), durationMs: value("durationMs"), key: value("key"), mode: value("mode"),
    danceability: value("danceability"), energy: value("energy"), loudness: value("loudness"), speechiness: value("speechiness"),
    acousticness: value("acousticness"), instrumentalness: value("instrumentalness"), liveness: value("liveness"),
    valence: value("valence"), tempo: value("tempo"), timeSignature: null, genres: NO_STRINGS, subgenres: NO_STRINGS,
    playlists: NO_PLAYLISTS,
  };
}
