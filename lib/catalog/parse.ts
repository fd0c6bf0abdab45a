// Pure parsing and validation of catalog rows, one parser per format (lib/catalog/formats.ts). No I/O.
import {
  indexColumns, type CatalogColumn, type ColumnIndex as FormatColumnIndex, type SpotifyFeaturesColumn,
  type SpotifySongsColumn, type TracksDatasetColumn,
} from "./formats";
import { NO_PLAYLISTS, NO_STRINGS, TRACK_COLUMNS, type CatalogFormatId, type CatalogTrack, type PlaylistMembership, type TrackColumn } from "./types";

/** Position of every required column of a tracks.csv (600k format) header, plus the header's width. */
export type ColumnIndex = FormatColumnIndex<TrackColumn>;

export type HeaderCheck = { ok: true; index: ColumnIndex } | { ok: false; missing: TrackColumn[] };

/** What a rejection is about: a column, or the row's shape ("columns"). Lets a summary count rejections. */
export type RejectedField = CatalogColumn | "columns";

export interface RowRejection {
  ok: false;
  line: number;
  field: RejectedField;
  reason: string;
}

export type RowResult = { ok: true; line: number; track: CatalogTrack } | RowRejection;

/** Maps the tracks.csv (600k format) columns to their positions; extra columns are allowed and ignored. */
export function checkHeader(header: readonly string[]): HeaderCheck {
  return indexColumns(header, TRACK_COLUMNS);
}

const SPACE = 0x20;
const TAB = 0x09;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX_DIGITS = /^[0-9A-Fa-f]+$/;
const HEX_ESCAPE_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\", "'": "'", '"': '"', n: "\n", r: "\r", t: "\t" };

function skipSpaces(text: string, position: number): number {
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code !== SPACE && code !== TAB) break;
    position++;
  }
  return position;
}

/**
 * Parses the Python `repr` of a list of strings, as found in the `artists` and `id_artists` columns:
 * `['A', "B's"]`, `['Tyler, The Creator']`, `[]`, `['It\'s']`. Returns null when malformed.
 */
export function parsePythonList(text: string): string[] | null {
  const items: string[] = [];
  let position = skipSpaces(text, 0);
  if (text.charCodeAt(position) !== OPEN_BRACKET) return null;
  position = skipSpaces(text, position + 1);
  if (text.charCodeAt(position) === CLOSE_BRACKET) return skipSpaces(text, position + 1) === text.length ? items : null;

  for (;;) {
    const quote = text.charCodeAt(position);
    if (quote !== SINGLE_QUOTE && quote !== DOUBLE_QUOTE) return null;
    position++;
    let value = "";
    let segmentStart = position;
    for (;;) {
      if (position >= text.length) return null;
      const code = text.charCodeAt(position);
      if (code === quote) break;
      if (code !== BACKSLASH) {
        position++;
        continue;
      }
      value += text.slice(segmentStart, position);
      const escaped = text[position + 1];
      if (escaped === undefined) return null;
      const hexLength = HEX_ESCAPE_LENGTH[escaped];
      if (hexLength !== undefined) {
        const hex = text.slice(position + 2, position + 2 + hexLength);
        if (hex.length !== hexLength || !HEX_DIGITS.test(hex)) return null;
        const codePoint = Number.parseInt(hex, 16);
        if (codePoint > 0x10ffff) return null;
        value += String.fromCodePoint(codePoint);
        position += 2 + hexLength;
      } else {
        // Python keeps unknown escapes such as `\d` verbatim, backslash included.
        value += SIMPLE_ESCAPES[escaped] ?? `\\${escaped}`;
        position += 2;
      }
      segmentStart = position;
    }
    items.push(value + text.slice(segmentStart, position));
    position = skipSpaces(text, position + 1);
    const separator = text.charCodeAt(position);
    if (separator === COMMA) {
      position = skipSpaces(text, position + 1);
      if (text.charCodeAt(position) !== CLOSE_BRACKET) continue; // `['a',]` is valid Python
    } else if (separator !== CLOSE_BRACKET) {
      return null;
    }
    // A copy trimmed to size: an array grown by push() keeps 17 slots, and a catalog keeps two lists per track.
    return skipSpaces(text, position + 1) === text.length ? items.slice() : null;
  }
}

/** Thrown inside parseTrackRow only. Not an Error: no stack trace to capture on the rejection path. */
class FieldRejection {
  constructor(
    readonly field: CatalogColumn,
    readonly reason: string,
  ) {}
}

const SPOTIFY_ID_LENGTH = 22;
const MIN_RELEASE_YEAR = 1900;
const MAX_RELEASE_YEAR = 2100;
const SHOWN_VALUE_LENGTH = 40;

/** The offending value as it appears in a reason: quoted, and cut short so reasons stay one short line. */
function shown(text: string): string {
  return JSON.stringify(text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH)}…` : text);
}

// The validators below run on every field of every row (~10M fields in the 600k file): they test
// characters in a loop, several times cheaper than the equivalent regular expressions (kept in
// parse.test.ts, which checks that the two agree).
const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/**
 * A plain decimal, with an optional sign and exponent: /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.
 * Rejects "", " 1", "0x1F", "Infinity", "NaN", "1_000" that Number() would read.
 */
export function isDecimal(text: string): boolean {
  const length = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  if (code === PLUS || code === MINUS) code = text.charCodeAt(++i);
  let digits = 0;
  for (; isDigit(code); code = text.charCodeAt(++i)) digits++;
  if (code === DOT) for (code = text.charCodeAt(++i); isDigit(code); code = text.charCodeAt(++i)) digits++;
  if (digits === 0) return false;
  if (code === 0x65 || code === 0x45) { // e, E
    code = text.charCodeAt(++i);
    if (code === PLUS || code === MINUS) code = text.charCodeAt(++i);
    let exponentDigits = 0;
    for (; isDigit(code); code = text.charCodeAt(++i)) exponentDigits++;
    if (exponentDigits === 0) return false;
  }
  return i === length;
}

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, e) => 10 ** e);
/** Digits a mantissa may have and stay an exact integer in a double (< 2^53). */
const MAX_EXACT_DIGITS = 15;

/**
 * The value of a plain decimal (isDecimal), exactly as Number(text) reads it; NaN for any other text.
 * Most values ("0.691", "-6.1", "121.661") are read in the same pass that checks them: with at most
 * 15 digits, the digits make an exact integer and dividing it by an exact power of ten rounds once,
 * correctly, as Number() does (Clinger's fast path). Longer values and exponents go to Number().
 */
export function decimalValue(text: string): number {
  const length = text.length;
  let i = 0;
  let code = text.charCodeAt(0);
  const negative = code === MINUS;
  if (negative || code === PLUS) code = text.charCodeAt(++i);
  let mantissa = 0;
  let digits = 0;
  for (; isDigit(code); code = text.charCodeAt(++i), digits++) mantissa = mantissa * 10 + (code - ZERO);
  let fractionDigits = 0;
  if (code === DOT) {
    for (code = text.charCodeAt(++i); isDigit(code); code = text.charCodeAt(++i), fractionDigits++) {
      mantissa = mantissa * 10 + (code - ZERO);
    }
  }
  if (i === length && digits + fractionDigits > 0 && digits + fractionDigits <= MAX_EXACT_DIGITS) {
    const value = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
    return negative ? -value : value;
  }
  return isDecimal(text) ? Number(text) : Number.NaN;
}

/** A 22-character base62 Spotify id: /^[0-9A-Za-z]{22}$/. */
export function isSpotifyId(text: string): boolean {
  if (text.length !== SPOTIFY_ID_LENGTH) return false;
  for (let i = 0; i < SPOTIFY_ID_LENGTH; i++) {
    const code = text.charCodeAt(i);
    if (!(isDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a))) return false;
  }
  return true;
}

/** The value of `length` digits at `start`, or -1 when any of them is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

/**
 * YYYY, YYYY-MM or YYYY-MM-DD (/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/) as [year, month, day], month
 * and day 1 when absent; null for any other text.
 */
export function dateParts(text: string): [number, number, number] | null {
  const length = text.length;
  if (length !== 4 && length !== 7 && length !== 10) return null;
  const year = digitsAt(text, 0, 4);
  const month = length === 4 ? 1 : text.charCodeAt(4) === MINUS ? digitsAt(text, 5, 2) : -1;
  const day = length < 10 ? 1 : text.charCodeAt(7) === MINUS ? digitsAt(text, 8, 2) : -1;
  return year < 0 || month < 0 || day < 0 ? null : [year, month, day];
}

function numberInRange(field: CatalogColumn, text: string, min: number, max: number): number {
  const value = decimalValue(text);
  if (Number.isNaN(value)) {
    throw new FieldRejection(field, text === "" ? `${field}: is empty` : `${field}: ${shown(text)} is not a number`);
  }
  if (!(value >= min && value <= max)) {
    throw new FieldRejection(field, `${field}: ${text} is out of range [${min}, ${max}]`);
  }
  return value;
}

function integerInRange(field: CatalogColumn, text: string, min: number, max: number): number {
  const value = numberInRange(field, text, min, max);
  if (!Number.isInteger(value)) throw new FieldRejection(field, `${field}: ${text} is not an integer`);
  return value;
}

function spotifyId(field: CatalogColumn, text: string): string {
  if (!isSpotifyId(text)) {
    throw new FieldRejection(field, `${field}: ${shown(text)} is not a 22-character base62 id`);
  }
  return text;
}

function explicitFlag(text: string): boolean {
  if (text === "1" || text === "True" || text === "true") return true;
  if (text === "0" || text === "False" || text === "false") return false;
  throw new FieldRejection("explicit", `explicit: ${shown(text)} is not 0/1 or True/False`);
}

function nonBlank(field: CatalogColumn, text: string): string {
  if (text.trim() === "") throw new FieldRejection(field, `${field}: is empty`);
  return text;
}

function pythonList(field: TrackColumn, text: string): string[] {
  const items = parsePythonList(text);
  if (items === null) throw new FieldRejection(field, `${field}: ${shown(text)} is not a Python list of strings`);
  return items;
}

function artistNames(text: string): string[] {
  const names = pythonList("artists", text);
  if (names.length === 0) throw new FieldRejection("artists", "artists: list is empty");
  for (const name of names) {
    if (name.trim() === "") throw new FieldRejection("artists", "artists: contains a blank name");
  }
  return names;
}

function artistIds(text: string, artistCount: number): string[] {
  const ids = pythonList("id_artists", text);
  if (ids.length !== artistCount) {
    throw new FieldRejection("id_artists", `id_artists: ${ids.length} ids for ${artistCount} artists`);
  }
  for (const id of ids) spotifyId("id_artists", id);
  return ids;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1];
}

function releaseYear(text: string, field: CatalogColumn = "release_date"): number {
  const parts = dateParts(text);
  if (parts === null) {
    throw new FieldRejection(field, `${field}: ${shown(text)} is not YYYY, YYYY-MM or YYYY-MM-DD`);
  }
  const [year, month, day] = parts;
  if (year < MIN_RELEASE_YEAR || year > MAX_RELEASE_YEAR) {
    throw new FieldRejection(field, `${field}: year ${year} is out of range [${MIN_RELEASE_YEAR}, ${MAX_RELEASE_YEAR}]`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new FieldRejection(field, `${field}: ${shown(text)} is not a calendar date`);
  }
  return year;
}

/** Validates one data record (fields in header order) into a CatalogTrack, or says why it is rejected. */
export function parseTrackRow(record: readonly string[], index: ColumnIndex, line: number): RowResult {
  if (record.length !== index.columnCount) {
    return {
      ok: false,
      line,
      field: "columns",
      reason: `expected ${index.columnCount} columns, found ${record.length}`,
    };
  }
  try {
    const name = record[index.name];
    if (name.trim() === "") throw new FieldRejection("name", "name: is empty");
    const artists = artistNames(record[index.artists]);
    const releaseDate = record[index.release_date];
    const track: CatalogTrack = {
      id: spotifyId("id", record[index.id]),
      name,
      popularity: integerInRange("popularity", record[index.popularity], 0, 100),
      durationMs: integerInRange("duration_ms", record[index.duration_ms], 1, Number.MAX_SAFE_INTEGER),
      explicit: explicitFlag(record[index.explicit]),
      artists,
      idArtists: artistIds(record[index.id_artists], artists.length),
      releaseDate,
      releaseYear: releaseYear(releaseDate),
      danceability: numberInRange("danceability", record[index.danceability], 0, 1),
      energy: numberInRange("energy", record[index.energy], 0, 1),
      key: integerInRange("key", record[index.key], -1, 11),
      loudness: numberInRange("loudness", record[index.loudness], -70, 10),
      mode: integerInRange("mode", record[index.mode], 0, 1),
      speechiness: numberInRange("speechiness", record[index.speechiness], 0, 1),
      acousticness: numberInRange("acousticness", record[index.acousticness], 0, 1),
      instrumentalness: numberInRange("instrumentalness", record[index.instrumentalness], 0, 1),
      liveness: numberInRange("liveness", record[index.liveness], 0, 1),
      valence: numberInRange("valence", record[index.valence], 0, 1),
      tempo: numberInRange("tempo", record[index.tempo], 0, 300),
      timeSignature: integerInRange("time_signature", record[index.time_signature], 0, 7),
      genres: NO_STRINGS,
      subgenres: NO_STRINGS,
      playlists: NO_PLAYLISTS,
    };
    return { ok: true, line, track };
  } catch (error) {
    if (error instanceof FieldRejection) return { ok: false, line, field: error.field, reason: error.reason };
    throw error;
  }
}

/** Shares one copy of each repeated string (genre and playlist names); the reader passes one per file. */
export type Intern = (text: string) => string;
const AS_IS: Intern = (text) => text;

function columnCountRejection(record: readonly string[], columnCount: number, line: number): RowRejection | null {
  if (record.length === columnCount) return null;
  return { ok: false, line, field: "columns", reason: `expected ${columnCount} columns, found ${record.length}` };
}

/** Runs a row parser, turning a FieldRejection into the row's rejection. */
function rowResult(line: number, parse: () => CatalogTrack): RowResult {
  try {
    return { ok: true, line, track: parse() };
  } catch (error) {
    if (error instanceof FieldRejection) return { ok: false, line, field: error.field, reason: error.reason };
    throw error;
  }
}

/** A one-item list of the trimmed cell, or the shared empty list for an empty cell. */
function optionalLabel(text: string | undefined, intern: Intern): string[] {
  const label = text?.trim() ?? "";
  return label === "" ? NO_STRINGS : [intern(label)];
}

/**
 * A spotify_songs.csv row: one (track, playlist) pair. An empty playlist_id (a withheld playlist) gives
 * no playlist; an empty genre cell no genre. The file has no explicit flag, artist ids or time signature.
 * R's missing value `NA` in a name is kept as text: the row's features are valid.
 */
export function parseSpotifySongsRow(
  record: readonly string[], index: FormatColumnIndex<SpotifySongsColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  return (
    columnCountRejection(record, index.columnCount, line) ??
    rowResult(line, () => {
      const releaseDate = record[index.track_album_release_date];
      const genres = optionalLabel(record[index.playlist_genre], intern);
      const subgenres = optionalLabel(record[index.playlist_subgenre], intern);
      const playlistId = record[index.playlist_id].trim();
      const playlists: PlaylistMembership[] = playlistId === "" ? NO_PLAYLISTS : [{
        id: intern(playlistId),
        name: intern(record[index.playlist_name]),
        genre: genres[0] ?? null,
        subgenre: subgenres[0] ?? null,
        line,
      }];
      return {
        id: spotifyId("track_id", record[index.track_id]),
        name: nonBlank("track_name", record[index.track_name]),
        popularity: integerInRange("track_popularity", record[index.track_popularity], 0, 100),
        durationMs: integerInRange("duration_ms", record[index.duration_ms], 1, Number.MAX_SAFE_INTEGER),
        explicit: null,
        artists: [nonBlank("track_artist", record[index.track_artist])],
        idArtists: null,
        releaseDate,
        releaseYear: releaseYear(releaseDate, "track_album_release_date"),
        ...audioFeatures(record, index),
        key: integerInRange("key", record[index.key], -1, 11),
        mode: integerInRange("mode", record[index.mode], 0, 1),
        timeSignature: null,
        genres,
        subgenres,
        playlists,
      };
    })
  );
}

// Pitch classes by note name; SpotifyFeatures.csv spells sharps (`C#`), flats and ♯/♭ are accepted too.
const PITCH_CLASS: Readonly<Record<string, number>> = {
  C: 0, "C#": 1, Db: 1, D: 2, "D#": 3, Eb: 3, E: 4, F: 5, "F#": 6, Gb: 6, G: 7, "G#": 8, Ab: 8, A: 9,
  "A#": 10, Bb: 10, B: 11,
};

function noteKey(text: string): number {
  const pitch = PITCH_CLASS[text.trim().replace("♯", "#").replace("♭", "b")];
  if (pitch !== undefined) return pitch;
  if (isDecimal(text)) return integerInRange("key", text, -1, 11);
  throw new FieldRejection("key", `key: ${shown(text)} is not a note name (C, C#, … B)`);
}

function majorMinor(text: string): number {
  const mode = text.trim().toLowerCase();
  if (mode === "major") return 1;
  if (mode === "minor") return 0;
  if (isDecimal(text)) return integerInRange("mode", text, 0, 1);
  throw new FieldRejection("mode", `mode: ${shown(text)} is not Major or Minor`);
}

const METER = /^(\d+)\/\d+$/;

/** `4/4` → 4 (the beats per bar, as the other formats give it). */
function meterNumerator(text: string): number {
  const meter = METER.exec(text.trim());
  return integerInRange("time_signature", meter === null ? text : meter[1], 0, 7);
}

/** A SpotifyFeatures.csv row: one (track, genre) pair. No explicit flag, release date or artist ids. */
export function parseSpotifyFeaturesRow(
  record: readonly string[], index: FormatColumnIndex<SpotifyFeaturesColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  return (
    columnCountRejection(record, index.columnCount, line) ??
    rowResult(line, () => ({
      id: spotifyId("track_id", record[index.track_id]),
      name: nonBlank("track_name", record[index.track_name]),
      popularity: integerInRange("popularity", record[index.popularity], 0, 100),
      durationMs: integerInRange("duration_ms", record[index.duration_ms], 1, Number.MAX_SAFE_INTEGER),
      explicit: null,
      artists: [nonBlank("artist_name", record[index.artist_name])],
      idArtists: null,
      releaseDate: null,
      releaseYear: null,
      ...audioFeatures(record, index),
      key: noteKey(record[index.key]),
      mode: majorMinor(record[index.mode]),
      timeSignature: meterNumerator(record[index.time_signature]),
      genres: optionalLabel(record[index.genre], intern),
      subgenres: NO_STRINGS,
      playlists: NO_PLAYLISTS,
    }))
  );
}

/** `A;B` → ["A", "B"]: the dataset joins the credited artists with semicolons. */
function semicolonArtists(text: string): string[] {
  const names = text.split(";").map((name) => name.trim()).filter((name) => name !== "");
  if (names.length === 0) throw new FieldRejection("artists", "artists: is empty");
  return names;
}

/** A dataset.csv row: one (track, genre) pair. No release date or artist ids. */
export function parseTracksDatasetRow(
  record: readonly string[], index: FormatColumnIndex<TracksDatasetColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  return (
    columnCountRejection(record, index.columnCount, line) ??
    rowResult(line, () => ({
      id: spotifyId("track_id", record[index.track_id]),
      name: nonBlank("track_name", record[index.track_name]),
      popularity: integerInRange("popularity", record[index.popularity], 0, 100),
      durationMs: integerInRange("duration_ms", record[index.duration_ms], 1, Number.MAX_SAFE_INTEGER),
      explicit: explicitFlag(record[index.explicit]),
      artists: semicolonArtists(record[index.artists]),
      idArtists: null,
      releaseDate: null,
      releaseYear: null,
      ...audioFeatures(record, index),
      key: integerInRange("key", record[index.key], -1, 11),
      mode: integerInRange("mode", record[index.mode], 0, 1),
      timeSignature: integerInRange("time_signature", record[index.time_signature], 0, 7),
      genres: optionalLabel(record[index.track_genre], intern),
      subgenres: NO_STRINGS,
      playlists: NO_PLAYLISTS,
    }))
  );
}

type AudioFeatureColumn =
  | "danceability" | "energy" | "loudness" | "speechiness" | "acousticness" | "instrumentalness" | "liveness"
  | "valence" | "tempo";

/** The real-valued audio features, named and bounded the same in every format. */
function audioFeatures(record: readonly string[], index: Readonly<Record<AudioFeatureColumn, number>>) {
  return {
    danceability: numberInRange("danceability", record[index.danceability], 0, 1),
    energy: numberInRange("energy", record[index.energy], 0, 1),
    loudness: numberInRange("loudness", record[index.loudness], -70, 10),
    speechiness: numberInRange("speechiness", record[index.speechiness], 0, 1),
    acousticness: numberInRange("acousticness", record[index.acousticness], 0, 1),
    instrumentalness: numberInRange("instrumentalness", record[index.instrumentalness], 0, 1),
    liveness: numberInRange("liveness", record[index.liveness], 0, 1),
    valence: numberInRange("valence", record[index.valence], 0, 1),
    tempo: numberInRange("tempo", record[index.tempo], 0, 300),
  };
}

/** Validates one data record of a file of `format` (its header indexed by formats.ts matchHeader). */
export function parseCatalogRow(
  format: CatalogFormatId, record: readonly string[], index: FormatColumnIndex, line: number, intern: Intern = AS_IS,
): RowResult {
  switch (format) {
    case "tracks-600k":
      return parseTrackRow(record, index, line);
    case "spotify-songs":
      return parseSpotifySongsRow(record, index, line, intern);
    case "spotify-features":
      return parseSpotifyFeaturesRow(record, index, line, intern);
    case "tracks-dataset":
      return parseTracksDatasetRow(record, index, line, intern);
  }
}

const COMBINING_MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’‘`´]/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const BRACKETED = /\s*[([]([^()[\]]*)[)\]]/g;
const LAST_DASH_SUFFIX = /\s+[-–—]\s+((?:(?!\s[-–—]\s).)*)$/;
const BARE_FEATURING = /\s(?:feat\.?|ft\.|featuring)\s.*$/;
// A bracket or dash suffix is a version tag when it credits a guest, names a remaster or a live
// recording, or ends in a version word ("Radio Edit", "2009 Mix", "Single Version", "Mono").
const FEATURING_TAG = /^(?:feat\.?|ft\.?|featuring|with)\s/;
const REMASTER_TAG = /\bremaster(?:ed)?\b/;
const LIVE_TAG = /^live\b/;
const VERSION_WORD_TAG =
  /\b(?:version|edit|mix|mono|stereo|demo|bonus track|deluxe|edition|re-?recorded|take|session|unplugged)$/;

function isVersionTag(text: string): boolean {
  const tag = text.trim();
  return FEATURING_TAG.test(tag) || REMASTER_TAG.test(tag) || LIVE_TAG.test(tag) || VERSION_WORD_TAG.test(tag);
}

// Printable ASCII: no accents to fold, and letters and digits are [a-z0-9] once lowercased. Most
// titles and artists are, and the ASCII-only expressions below are several times faster than NFKD
// and Unicode property classes (matchKey runs once per track of a seed).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_APOSTROPHES = /['`]/g;
const NOT_ASCII_LETTER_OR_DIGIT = /[^a-z0-9]+/g;

/**
 * True when `text` is ASCII letters and digits in words one space apart ("Old Valley Blues"), which
 * folds to itself lowercased. Most titles and artists are, and one pass over their characters is
 * several times cheaper than the expressions below.
 */
function isPlainWords(text: string): boolean {
  let afterSpace = true; // a leading space is not plain
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === SPACE) {
      if (afterSpace) return false;
      afterSpace = true;
    } else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39)) {
      afterSpace = false;
    } else {
      return false;
    }
  }
  return !afterSpace || text.length === 0;
}

/** Lowercase, accents folded, punctuation collapsed: "Beyoncé & Co." → "beyonce and co". */
function foldText(text: string): string {
  if (isPlainWords(text)) return text.toLowerCase();
  if (!PRINTABLE_ASCII.test(text)) return foldAnyText(text);
  // foldAnyText's steps, less those that leave printable ASCII unchanged.
  return text
    .toLowerCase()
    .replace(ASCII_APOSTROPHES, "")
    .replaceAll("&", " and ")
    .replace(NOT_ASCII_LETTER_OR_DIGIT, " ")
    .trim();
}

/** foldText for any text (exported for the test that the ASCII path agrees with it). */
export function foldAnyText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(APOSTROPHES, "")
    .replaceAll("&", " and ")
    .replace(NOT_LETTER_OR_DIGIT, " ")
    .trim();
}

// Every version tag stripVersionTags removes starts with one of these (a bracket, a dash, "feat", "ft.");
// most titles have none, and are returned as they are without running its expressions.
const MAY_HAVE_VERSION_TAG = /[([\-–—]|feat|ft\./;

function stripVersionTags(title: string): string {
  if (!MAY_HAVE_VERSION_TAG.test(title)) return title;
  let stripped = title.replace(BRACKETED, (bracket, inner: string) => (isVersionTag(inner) ? "" : bracket));
  for (let suffix = LAST_DASH_SUFFIX.exec(stripped); suffix !== null; suffix = LAST_DASH_SUFFIX.exec(stripped)) {
    if (!isVersionTag(suffix[1])) break;
    stripped = stripped.slice(0, suffix.index);
  }
  return stripped.replace(BARE_FEATURING, "");
}

/**
 * Key for matching one song across ids (re-releases, remasters, guest credits): "title|artist",
 * both folded, with version tags such as " - Remastered 2011", "(feat. X)" or "(Radio Edit)" dropped.
 */
export function matchKey(title: string, primaryArtist: string): string {
  return `${matchKeyTitle(title)}|${foldText(primaryArtist)}`;
}

/**
 * matchKey for a whole catalog: each distinct primary artist is folded once, not once per track (a
 * catalog has several tracks per artist, and the seed computes a key for every track).
 */
export function catalogMatchKeys(): (title: string, primaryArtist: string) => string {
  const foldedArtists = new Map<string, string>();
  return (title, primaryArtist) => {
    let artist = foldedArtists.get(primaryArtist);
    if (artist === undefined) {
      artist = foldText(primaryArtist);
      foldedArtists.set(primaryArtist, artist);
    }
    return `${matchKeyTitle(title)}|${artist}`;
  };
}

/** The title half of matchKey. */
function matchKeyTitle(title: string): string {
  if (isPlainWords(title)) {
    // No accent, punctuation or bracket: folded once lowercased, unless a bare "feat" tag is to go.
    const lowered = title.toLowerCase();
    if (!MAY_HAVE_VERSION_TAG.test(lowered)) return lowered;
  }
  const lowered = (PRINTABLE_ASCII.test(title) ? title : title.normalize("NFKD").replace(COMBINING_MARKS, "")).toLowerCase();
  const bareTitle = foldText(stripVersionTags(lowered));
  return bareTitle === "" ? foldText(lowered) : bareTitle;
}
