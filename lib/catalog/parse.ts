// Pure parsing and validation of Kaggle "Spotify Dataset 1921-2020" tracks.csv rows. No I/O.
import { TRACK_COLUMNS, type CatalogTrack, type TrackColumn } from "./types";

/** Position of every required column in the file's header, plus the header's width. */
export type ColumnIndex = Readonly<Record<TrackColumn, number>> & { readonly columnCount: number };

export type HeaderCheck = { ok: true; index: ColumnIndex } | { ok: false; missing: TrackColumn[] };

/** What a rejection is about: a column, or the row's shape ("columns"). Lets a summary count rejections. */
export type RejectedField = TrackColumn | "columns";

export interface RowRejection {
  ok: false;
  line: number;
  field: RejectedField;
  reason: string;
}

export type RowResult = { ok: true; line: number; track: CatalogTrack } | RowRejection;

const BYTE_ORDER_MARK = "\uFEFF";

/** Maps the required columns to their positions; extra columns are allowed and ignored. */
export function checkHeader(header: readonly string[]): HeaderCheck {
  const positions = new Map<string, number>();
  header.forEach((cell, position) => {
    const name = (position === 0 && cell.startsWith(BYTE_ORDER_MARK) ? cell.slice(1) : cell).trim();
    if (!positions.has(name)) positions.set(name, position);
  });
  const missing = TRACK_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0) return { ok: false, missing };
  const index = Object.fromEntries(TRACK_COLUMNS.map((column) => [column, positions.get(column)]));
  return { ok: true, index: { ...(index as Record<TrackColumn, number>), columnCount: header.length } };
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
    readonly field: TrackColumn,
    readonly reason: string,
  ) {}
}

const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
// Plain decimals and exponents only: rejects "", " 1", "0x1F", "Infinity", "NaN", "1_000" that Number() accepts.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RELEASE_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const MIN_RELEASE_YEAR = 1900;
const MAX_RELEASE_YEAR = 2100;
const SHOWN_VALUE_LENGTH = 40;

/** The offending value as it appears in a reason: quoted, and cut short so reasons stay one short line. */
function shown(text: string): string {
  return JSON.stringify(text.length > SHOWN_VALUE_LENGTH ? `${text.slice(0, SHOWN_VALUE_LENGTH)}…` : text);
}

function numberInRange(field: TrackColumn, text: string, min: number, max: number): number {
  if (!DECIMAL.test(text)) {
    throw new FieldRejection(field, text === "" ? `${field}: is empty` : `${field}: ${shown(text)} is not a number`);
  }
  const value = Number(text);
  if (!(value >= min && value <= max)) {
    throw new FieldRejection(field, `${field}: ${text} is out of range [${min}, ${max}]`);
  }
  return value;
}

function integerInRange(field: TrackColumn, text: string, min: number, max: number): number {
  const value = numberInRange(field, text, min, max);
  if (!Number.isInteger(value)) throw new FieldRejection(field, `${field}: ${text} is not an integer`);
  return value;
}

function spotifyId(field: TrackColumn, text: string): string {
  if (!SPOTIFY_ID.test(text)) {
    throw new FieldRejection(field, `${field}: ${shown(text)} is not a 22-character base62 id`);
  }
  return text;
}

function explicitFlag(text: string): boolean {
  if (text === "1" || text === "True" || text === "true") return true;
  if (text === "0" || text === "False" || text === "false") return false;
  throw new FieldRejection("explicit", `explicit: ${shown(text)} is not 0/1 or True/False`);
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

function releaseYear(text: string): number {
  const parts = RELEASE_DATE.exec(text);
  if (parts === null) {
    throw new FieldRejection("release_date", `release_date: ${shown(text)} is not YYYY, YYYY-MM or YYYY-MM-DD`);
  }
  const year = Number(parts[1]);
  if (year < MIN_RELEASE_YEAR || year > MAX_RELEASE_YEAR) {
    throw new FieldRejection(
      "release_date",
      `release_date: year ${year} is out of range [${MIN_RELEASE_YEAR}, ${MAX_RELEASE_YEAR}]`,
    );
  }
  const month = parts[2] === undefined ? 1 : Number(parts[2]);
  const day = parts[3] === undefined ? 1 : Number(parts[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new FieldRejection("release_date", `release_date: ${shown(text)} is not a calendar date`);
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
    };
    return { ok: true, line, track };
  } catch (error) {
    if (error instanceof FieldRejection) return { ok: false, line, field: error.field, reason: error.reason };
    throw error;
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

/** Lowercase, accents folded, punctuation collapsed: "Beyoncé & Co." → "beyonce and co". */
function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(APOSTROPHES, "")
    .replaceAll("&", " and ")
    .replace(NOT_LETTER_OR_DIGIT, " ")
    .trim();
}

function stripVersionTags(title: string): string {
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
  const lowered = title.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
  const bareTitle = foldText(stripVersionTags(lowered));
  return `${bareTitle === "" ? foldText(lowered) : bareTitle}|${foldText(primaryArtist)}`;
}
