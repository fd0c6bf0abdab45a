// Pure parsing and validation of catalog rows, one parser per format (lib/catalog/formats.ts). No I/O.
import {
  indexColumns, type CatalogColumn, type ColumnIndex as FormatColumnIndex, type SpotifyFeaturesColumn,
  type SpotifySongsColumn, type TracksDatasetColumn,
} from "./formats";
import { CsvFields } from "./csv";
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

function skipSpaces(text: string, position: number, end = text.length): number {
  while (position < end) {
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
  return parsePythonListIn(text, 0, text.length);
}

/** parsePythonList of text.slice(start, end), without slicing it. */
function parsePythonListIn(text: string, start: number, end: number): string[] | null {
  const items: string[] = [];
  let position = skipSpaces(text, start, end);
  if (position >= end || text.charCodeAt(position) !== OPEN_BRACKET) return null;
  position = skipSpaces(text, position + 1, end);
  if (position < end && text.charCodeAt(position) === CLOSE_BRACKET) return skipSpaces(text, position + 1, end) === end ? items : null;

  for (;;) {
    if (position >= end) return null;
    const quote = text.charCodeAt(position);
    if (quote !== SINGLE_QUOTE && quote !== DOUBLE_QUOTE) return null;
    position++;
    let value = "";
    let segmentStart = position;
    for (;;) {
      if (position >= end) return null;
      const code = text.charCodeAt(position);
      if (code === quote) break;
      if (code !== BACKSLASH) {
        position++;
        continue;
      }
      value += text.slice(segmentStart, position);
      const escaped = position + 1 < end ? text[position + 1] : undefined;
      if (escaped === undefined) return null;
      const hexLength = HEX_ESCAPE_LENGTH[escaped];
      if (hexLength !== undefined) {
        const hex = text.slice(position + 2, Math.min(position + 2 + hexLength, end));
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
    position = skipSpaces(text, position + 1, end);
    const separator = position < end ? text.charCodeAt(position) : -1;
    if (separator === COMMA) {
      position = skipSpaces(text, position + 1, end);
      if (position >= end || text.charCodeAt(position) !== CLOSE_BRACKET) continue; // `['a',]` is valid Python
    } else if (separator !== CLOSE_BRACKET) {
      return null;
    }
    // A copy trimmed to size: an array grown by push() keeps 17 slots, and a catalog keeps two lists per track.
    return skipSpaces(text, position + 1, end) === end ? items.slice() : null;
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
  return isDecimalIn(text, 0, text.length);
}

/**
 * The character code at i when i < end, and NaN past it (as charCodeAt gives past the end of a
 * string). A function at module level: a closure made per call costs more than the parse.
 */
function codeBefore(text: string, i: number, end: number): number {
  return i < end ? text.charCodeAt(i) : Number.NaN;
}

/** isDecimal of text.slice(start, end). */
function isDecimalIn(text: string, start: number, end: number): boolean {
  let i = start;
  let code = codeBefore(text, i, end);
  if (code === PLUS || code === MINUS) code = codeBefore(text, ++i, end);
  let digits = 0;
  for (; isDigit(code); code = codeBefore(text, ++i, end)) digits++;
  if (code === DOT) for (code = codeBefore(text, ++i, end); isDigit(code); code = codeBefore(text, ++i, end)) digits++;
  if (digits === 0) return false;
  if (code === 0x65 || code === 0x45) { // e, E
    code = codeBefore(text, ++i, end);
    if (code === PLUS || code === MINUS) code = codeBefore(text, ++i, end);
    let exponentDigits = 0;
    for (; isDigit(code); code = codeBefore(text, ++i, end)) exponentDigits++;
    if (exponentDigits === 0) return false;
  }
  return i === end;
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
  return decimalValueIn(text, 0, text.length);
}

/** decimalValue of text.slice(start, end), reading the digits where they are. */
export function decimalValueIn(text: string, start: number, end: number): number {
  // The scan does not stop at `end`: a record's fields end before a character that is no part of a
  // number (CsvFields), and a scan that runs past `end` anyway fails `i === end` and takes the
  // checked path below.
  let i = start;
  let code = text.charCodeAt(i);
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
  if (i === end && digits + fractionDigits > 0 && digits + fractionDigits <= MAX_EXACT_DIGITS) {
    const value = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
    return negative ? -value : value;
  }
  return isDecimalIn(text, start, end) ? Number(text.slice(start, end)) : Number.NaN;
}

/** A 22-character base62 Spotify id: /^[0-9A-Za-z]{22}$/. */
export function isSpotifyId(text: string): boolean {
  return isSpotifyIdIn(text, 0, text.length);
}

function isSpotifyIdIn(text: string, start: number, end: number): boolean {
  if (end - start !== SPOTIFY_ID_LENGTH) return false;
  for (let i = start; i < end; i++) {
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
  return datePartsIn(text, 0, text.length);
}

function datePartsIn(text: string, start: number, end: number): [number, number, number] | null {
  const length = end - start;
  if (length !== 4 && length !== 7 && length !== 10) return null;
  const year = digitsAt(text, start, 4);
  const month = length === 4 ? 1 : text.charCodeAt(start + 4) === MINUS ? digitsAt(text, start + 5, 2) : -1;
  const day = length < 10 ? 1 : text.charCodeAt(start + 7) === MINUS ? digitsAt(text, start + 8, 2) : -1;
  return year < 0 || month < 0 || day < 0 ? null : [year, month, day];
}

/** A record as the parsers take it: ranges of one string, or (in tests, say) one string per field. */
export type RecordFields = CsvFields | readonly string[];

function fieldsOf(record: RecordFields): CsvFields {
  return record instanceof CsvFields ? record : CsvFields.of(record);
}

/** The value of text.slice(start, end) as a number in [min, max]; `field` names it in the rejection. */
function numberIn(field: CatalogColumn, text: string, start: number, end: number, min: number, max: number): number {
  const value = decimalValueIn(text, start, end);
  if (Number.isNaN(value)) {
    throw new FieldRejection(field, start === end ? `${field}: is empty` : `${field}: ${shown(text.slice(start, end))} is not a number`);
  }
  if (!(value >= min && value <= max)) {
    throw new FieldRejection(field, `${field}: ${text.slice(start, end)} is out of range [${min}, ${max}]`);
  }
  return value;
}

function integerIn(field: CatalogColumn, text: string, start: number, end: number, min: number, max: number): number {
  const value = numberIn(field, text, start, end, min, max);
  if (!Number.isInteger(value)) throw new FieldRejection(field, `${field}: ${text.slice(start, end)} is not an integer`);
  return value;
}

/** Field `at` of the record as a number in [min, max], read where it lies. */
function numberAt(field: CatalogColumn, row: CsvFields, at: number, min: number, max: number): number {
  return numberIn(field, row.source, row.starts[at], row.ends[at], min, max);
}

function integerAt(field: CatalogColumn, row: CsvFields, at: number, min: number, max: number): number {
  return integerIn(field, row.source, row.starts[at], row.ends[at], min, max);
}

function integerInRange(field: CatalogColumn, text: string, min: number, max: number): number {
  return integerIn(field, text, 0, text.length, min, max);
}

function spotifyId(field: CatalogColumn, row: CsvFields, at: number): string {
  if (!isSpotifyIdIn(row.source, row.starts[at], row.ends[at])) {
    throw new FieldRejection(field, `${field}: ${shown(row.text(at))} is not a 22-character base62 id`);
  }
  return row.text(at);
}

function explicitFlag(row: CsvFields, at: number): boolean {
  if (row.ends[at] - row.starts[at] === 1) {
    // "0" and "1", as the 600k file has them, without a string each.
    const code = row.source.charCodeAt(row.starts[at]);
    if (code === ZERO + 1) return true;
    if (code === ZERO) return false;
  }
  const text = row.text(at);
  if (text === "True" || text === "true") return true;
  if (text === "False" || text === "false") return false;
  throw new FieldRejection("explicit", `explicit: ${shown(text)} is not 0/1 or True/False`);
}

function nonBlank(field: CatalogColumn, row: CsvFields, at: number): string {
  const text = row.text(at);
  if (text.trim() === "") throw new FieldRejection(field, `${field}: is empty`);
  return text;
}

function pythonList(field: TrackColumn, row: CsvFields, at: number): string[] {
  const items = parsePythonListIn(row.source, row.starts[at], row.ends[at]);
  if (items === null) throw new FieldRejection(field, `${field}: ${shown(row.text(at))} is not a Python list of strings`);
  return items;
}

function artistNames(row: CsvFields, at: number): string[] {
  const names = pythonList("artists", row, at);
  if (names.length === 0) throw new FieldRejection("artists", "artists: list is empty");
  for (const name of names) {
    if (name.trim() === "") throw new FieldRejection("artists", "artists: contains a blank name");
  }
  return names;
}

/**
 * The ids of an id_artists cell written as the 600k file writes them, `['<id>', '<id>']` (22-character
 * base62 ids, single quotes, ", " between), checked and cut in one pass; null for a cell in any other
 * form, which parsePythonList reads (and, when it is not `count` valid ids, rejects).
 */
function plainIdList(text: string, start: number, end: number, count: number): string[] | null {
  if (text.charCodeAt(start) !== OPEN_BRACKET) return null;
  const ids: string[] = [];
  let position = start + 1;
  for (let k = 0; k < count; k++) {
    if (k > 0) {
      if (text.charCodeAt(position) !== COMMA || text.charCodeAt(position + 1) !== SPACE) return null;
      position += 2;
    }
    const idEnd = position + 1 + SPOTIFY_ID_LENGTH;
    if (idEnd >= end || text.charCodeAt(position) !== SINGLE_QUOTE || text.charCodeAt(idEnd) !== SINGLE_QUOTE) return null;
    if (!isSpotifyIdIn(text, position + 1, idEnd)) return null;
    ids.push(text.slice(position + 1, idEnd));
    position = idEnd + 1;
  }
  return position + 1 === end && text.charCodeAt(position) === CLOSE_BRACKET ? ids : null;
}

function artistIds(row: CsvFields, at: number, artistCount: number): string[] {
  const plain = plainIdList(row.source, row.starts[at], row.ends[at], artistCount);
  if (plain !== null) return plain;
  const ids = pythonList("id_artists", row, at);
  if (ids.length !== artistCount) {
    throw new FieldRejection("id_artists", `id_artists: ${ids.length} ids for ${artistCount} artists`);
  }
  for (const id of ids) {
    if (!isSpotifyId(id)) throw new FieldRejection("id_artists", `id_artists: ${shown(id)} is not a 22-character base62 id`);
  }
  return ids;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1];
}

function releaseYear(row: CsvFields, at: number, field: CatalogColumn = "release_date"): number {
  const parts = datePartsIn(row.source, row.starts[at], row.ends[at]);
  if (parts === null) {
    throw new FieldRejection(field, `${field}: ${shown(row.text(at))} is not YYYY, YYYY-MM or YYYY-MM-DD`);
  }
  const [year, month, day] = parts;
  if (year < MIN_RELEASE_YEAR || year > MAX_RELEASE_YEAR) {
    throw new FieldRejection(field, `${field}: year ${year} is out of range [${MIN_RELEASE_YEAR}, ${MAX_RELEASE_YEAR}]`);
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new FieldRejection(field, `${field}: ${shown(row.text(at))} is not a calendar date`);
  }
  return year;
}

/** Validates one data record (fields in header order) into a CatalogTrack, or says why it is rejected. */
export function parseTrackRow(record: RecordFields, index: ColumnIndex, line: number): RowResult {
  const row = fieldsOf(record);
  if (row.count !== index.columnCount) {
    return {
      ok: false,
      line,
      field: "columns",
      reason: `expected ${index.columnCount} columns, found ${row.count}`,
    };
  }
  try {
    const name = row.text(index.name);
    if (name.trim() === "") throw new FieldRejection("name", "name: is empty");
    const artists = artistNames(row, index.artists);
    const track: CatalogTrack = {
      id: spotifyId("id", row, index.id),
      name,
      popularity: integerAt("popularity", row, index.popularity, 0, 100),
      durationMs: integerAt("duration_ms", row, index.duration_ms, 1, Number.MAX_SAFE_INTEGER),
      explicit: explicitFlag(row, index.explicit),
      artists,
      idArtists: artistIds(row, index.id_artists, artists.length),
      releaseDate: row.text(index.release_date),
      releaseYear: releaseYear(row, index.release_date),
      danceability: numberAt("danceability", row, index.danceability, 0, 1),
      energy: numberAt("energy", row, index.energy, 0, 1),
      key: integerAt("key", row, index.key, -1, 11),
      loudness: numberAt("loudness", row, index.loudness, -70, 10),
      mode: integerAt("mode", row, index.mode, 0, 1),
      speechiness: numberAt("speechiness", row, index.speechiness, 0, 1),
      acousticness: numberAt("acousticness", row, index.acousticness, 0, 1),
      instrumentalness: numberAt("instrumentalness", row, index.instrumentalness, 0, 1),
      liveness: numberAt("liveness", row, index.liveness, 0, 1),
      valence: numberAt("valence", row, index.valence, 0, 1),
      tempo: numberAt("tempo", row, index.tempo, 0, 300),
      timeSignature: integerAt("time_signature", row, index.time_signature, 0, 7),
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

function columnCountRejection(row: CsvFields, columnCount: number, line: number): RowRejection | null {
  if (row.count === columnCount) return null;
  return { ok: false, line, field: "columns", reason: `expected ${columnCount} columns, found ${row.count}` };
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
function optionalLabel(text: string, intern: Intern): string[] {
  const label = text.trim();
  return label === "" ? NO_STRINGS : [intern(label)];
}

/**
 * A spotify_songs.csv row: one (track, playlist) pair. An empty playlist_id (a withheld playlist) gives
 * no playlist; an empty genre cell no genre. The file has no explicit flag, artist ids or time signature.
 * R's missing value `NA` in a name is kept as text: the row's features are valid.
 */
export function parseSpotifySongsRow(
  record: RecordFields, index: FormatColumnIndex<SpotifySongsColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  const row = fieldsOf(record);
  return (
    columnCountRejection(row, index.columnCount, line) ??
    rowResult(line, () => {
      const genres = optionalLabel(row.text(index.playlist_genre), intern);
      const subgenres = optionalLabel(row.text(index.playlist_subgenre), intern);
      const playlistId = row.text(index.playlist_id).trim();
      const playlists: PlaylistMembership[] = playlistId === "" ? NO_PLAYLISTS : [{
        id: intern(playlistId),
        name: intern(row.text(index.playlist_name)),
        genre: genres[0] ?? null,
        subgenre: subgenres[0] ?? null,
        line,
      }];
      return {
        id: spotifyId("track_id", row, index.track_id),
        name: nonBlank("track_name", row, index.track_name),
        popularity: integerAt("track_popularity", row, index.track_popularity, 0, 100),
        durationMs: integerAt("duration_ms", row, index.duration_ms, 1, Number.MAX_SAFE_INTEGER),
        explicit: null,
        artists: [nonBlank("track_artist", row, index.track_artist)],
        idArtists: null,
        releaseDate: row.text(index.track_album_release_date),
        releaseYear: releaseYear(row, index.track_album_release_date, "track_album_release_date"),
        ...audioFeatures(row, index),
        key: integerAt("key", row, index.key, -1, 11),
        mode: integerAt("mode", row, index.mode, 0, 1),
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
  record: RecordFields, index: FormatColumnIndex<SpotifyFeaturesColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  const row = fieldsOf(record);
  return (
    columnCountRejection(row, index.columnCount, line) ??
    rowResult(line, () => ({
      id: spotifyId("track_id", row, index.track_id),
      name: nonBlank("track_name", row, index.track_name),
      popularity: integerAt("popularity", row, index.popularity, 0, 100),
      durationMs: integerAt("duration_ms", row, index.duration_ms, 1, Number.MAX_SAFE_INTEGER),
      explicit: null,
      artists: [nonBlank("artist_name", row, index.artist_name)],
      idArtists: null,
      releaseDate: null,
      releaseYear: null,
      ...audioFeatures(row, index),
      key: noteKey(row.text(index.key)),
      mode: majorMinor(row.text(index.mode)),
      timeSignature: meterNumerator(row.text(index.time_signature)),
      genres: optionalLabel(row.text(index.genre), intern),
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
  record: RecordFields, index: FormatColumnIndex<TracksDatasetColumn>, line: number, intern: Intern = AS_IS,
): RowResult {
  const row = fieldsOf(record);
  return (
    columnCountRejection(row, index.columnCount, line) ??
    rowResult(line, () => ({
      id: spotifyId("track_id", row, index.track_id),
      name: nonBlank("track_name", row, index.track_name),
      popularity: integerAt("popularity", row, index.popularity, 0, 100),
      durationMs: integerAt("duration_ms", row, index.duration_ms, 1, Number.MAX_SAFE_INTEGER),
      explicit: explicitFlag(row, index.explicit),
      artists: semicolonArtists(row.text(index.artists)),
      idArtists: null,
      releaseDate: null,
      releaseYear: null,
      ...audioFeatures(row, index),
      key: integerAt("key", row, index.key, -1, 11),
      mode: integerAt("mode", row, index.mode, 0, 1),
      timeSignature: integerAt("time_signature", row, index.time_signature, 0, 7),
      genres: optionalLabel(row.text(index.track_genre), intern),
      subgenres: NO_STRINGS,
      playlists: NO_PLAYLISTS,
    }))
  );
}

type AudioFeatureColumn =
  | "danceability" | "energy" | "loudness" | "speechiness" | "acousticness" | "instrumentalness" | "liveness"
  | "valence" | "tempo";

/** The real-valued audio features, named and bounded the same in every format. */
function audioFeatures(row: CsvFields, index: Readonly<Record<AudioFeatureColumn, number>>) {
  return {
    danceability: numberAt("danceability", row, index.danceability, 0, 1),
    energy: numberAt("energy", row, index.energy, 0, 1),
    loudness: numberAt("loudness", row, index.loudness, -70, 10),
    speechiness: numberAt("speechiness", row, index.speechiness, 0, 1),
    acousticness: numberAt("acousticness", row, index.acousticness, 0, 1),
    instrumentalness: numberAt("instrumentalness", row, index.instrumentalness, 0, 1),
    liveness: numberAt("liveness", row, index.liveness, 0, 1),
    valence: numberAt("valence", row, index.valence, 0, 1),
    tempo: numberAt("tempo", row, index.tempo, 0, 300),
  };
}

/** Validates one data record of a file of `format` (its header indexed by formats.ts matchHeader). */
export function parseCatalogRow(
  format: CatalogFormatId, record: RecordFields, index: FormatColumnIndex, line: number, intern: Intern = AS_IS,
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
