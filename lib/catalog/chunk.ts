// A piece of a 600k-format catalog file (whole records) parsed into columns: what the parsing worker
// thread hands back to the seed (read.ts readCatalogIntoTable), as typed arrays and UTF-8 bytes that
// move between threads without being copied value by value. Pure.
import { CsvRecordSplitter } from "./csv";
import { parseTrackRow, type ColumnIndex, type RowRejection } from "./parse";
import type { CatalogTrack } from "./types";

/** The numbers kept of each track, in this order, in ParsedChunk.numbers. */
export const CHUNK_NUMBERS = [
  "popularity", "durationMs", "explicit", "releaseYear", "key", "mode", "danceability", "energy", "loudness",
  "speechiness", "acousticness", "instrumentalness", "liveness", "valence", "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];
const STRIDE = CHUNK_NUMBERS.length;

/** Strings one after the other as UTF-8: string i is bytes[ends[i - 1], ends[i]) (string 0 from 0). */
export interface Utf8List {
  bytes: Uint8Array;
  ends: Int32Array;
}

export interface ParsedChunk {
  /** Valid rows, in file order. */
  rows: number;
  /**
   * CHUNK_NUMBERS of each valid row, row j at j * CHUNK_NUMBERS.length; explicit as 1, 0 or -1
   * (unknown), a release year of null as 0.
   */
  numbers: Float64Array;
  ids: Utf8List;
  names: Utf8List;
  /**
   * The artists of every valid row one after the other, artistCounts[j] of them for row j: artist k
   * is artists.slice(artistEnds[k - 1], artistEnds[k]) (artist 0 from 0). One string per piece, not
   * bytes: the names become strings on the receiving side anyway.
   */
  artists: string;
  artistEnds: Int32Array;
  artistCounts: Int32Array;
  /** The piece's rejected rows, with their lines in the file. */
  rejections: RowRejection[];
  /** Records read (valid, rejected; not blank lines). */
  rowsRead: number;
}

/** Everything a ParsedChunk holds in ArrayBuffers, for postMessage's transfer list. */
export function transferablesOf(chunk: ParsedChunk): ArrayBuffer[] {
  const lists = [chunk.ids, chunk.names];
  return [chunk.numbers.buffer, chunk.artistCounts.buffer, chunk.artistEnds.buffer, ...lists.flatMap((l) => [l.bytes.buffer, l.ends.buffer])] as ArrayBuffer[];
}

/** A growing Utf8List. */
class Utf8ListBuilder {
  private bytes = new Uint8Array(1 << 14);
  private ends = new Int32Array(1 << 10);
  private length = 0;
  private used = 0;
  private readonly encoder = new TextEncoder();

  push(text: string): void {
    // At most 3 bytes per UTF-16 code unit.
    if (this.used + 3 * text.length > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(2 * this.bytes.length, this.used + 3 * text.length));
      bigger.set(this.bytes.subarray(0, this.used));
      this.bytes = bigger;
    }
    let end = this.used;
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) {
        ascii = false;
        break;
      }
      this.bytes[end++] = code;
    }
    if (!ascii) end = this.used + this.encoder.encodeInto(text, this.bytes.subarray(this.used)).written;
    if (this.length === this.ends.length) {
      const bigger = new Int32Array(2 * this.ends.length);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    this.ends[this.length++] = end;
    this.used = end;
  }

  take(): Utf8List {
    return { bytes: this.bytes.slice(0, this.used), ends: this.ends.slice(0, this.length) };
  }
}

/**
 * Parses `bytes`, whole records of a 600k-format file starting at line `firstLine`, as readCatalog
 * would (parseTrackRow, the same rejections); `skipHeader` for the piece that starts the file. The
 * last record needs no line feed after it only when `final`; throws CsvSyntaxError (with the file's
 * line) for an unclosed quote, as the splitter does.
 */
export function parseChunk(
  bytes: Uint8Array, index: ColumnIndex, options: { firstLine: number; skipHeader: boolean; final: boolean },
): ParsedChunk {
  // A byte-order mark is a character of the text anywhere but at the file's start.
  const text = new TextDecoder("utf-8", { ignoreBOM: options.firstLine !== 1 }).decode(bytes);
  const splitter = new CsvRecordSplitter(options.firstLine);
  splitter.feed(text);
  if (options.final) splitter.end();
  let numbers = new Float64Array(STRIDE * 4096);
  let artistCounts = new Int32Array(4096);
  const ids = new Utf8ListBuilder();
  const names = new Utf8ListBuilder();
  const artists: string[] = [];
  let artistEnds = new Int32Array(4096);
  let artistLength = 0;
  const rejections: RowRejection[] = [];
  let rows = 0;
  let rowsRead = 0;
  let headerToSkip = options.skipHeader;
  for (let fields = splitter.nextFields(); fields !== undefined; fields = splitter.nextFields()) {
    if (fields.isBlank()) continue;
    if (headerToSkip) {
      headerToSkip = false;
      continue;
    }
    rowsRead++;
    const result = parseTrackRow(fields, index, fields.line);
    if (!result.ok) {
      rejections.push(result);
      continue;
    }
    const track = result.track;
    if (rows === artistCounts.length) {
      numbers = grown(numbers, 2 * numbers.length);
      artistCounts = grown(artistCounts, 2 * artistCounts.length);
    }
    const at = rows * STRIDE;
    numbers[at] = track.popularity;
    numbers[at + 1] = track.durationMs;
    numbers[at + 2] = track.explicit === null ? -1 : track.explicit ? 1 : 0;
    numbers[at + 3] = track.releaseYear ?? 0;
    numbers[at + 4] = track.key;
    numbers[at + 5] = track.mode;
    numbers[at + 6] = track.danceability;
    numbers[at + 7] = track.energy;
    numbers[at + 8] = track.loudness;
    numbers[at + 9] = track.speechiness;
    numbers[at + 10] = track.acousticness;
    numbers[at + 11] = track.instrumentalness;
    numbers[at + 12] = track.liveness;
    numbers[at + 13] = track.valence;
    numbers[at + 14] = track.tempo;
    ids.push(track.id);
    names.push(track.name);
    for (const artist of track.artists) {
      if (artists.length === artistEnds.length) artistEnds = grown(artistEnds, 2 * artistEnds.length);
      artistLength += artist.length;
      artistEnds[artists.length] = artistLength;
      artists.push(artist);
    }
    artistCounts[rows] = track.artists.length;
    rows++;
  }
  if (!options.final) checkWholeRecords(splitter);
  return {
    rows, numbers: numbers.slice(0, rows * STRIDE), ids: ids.take(), names: names.take(), artists: artists.join(""),
    artistEnds: artistEnds.slice(0, artists.length), artistCounts: artistCounts.slice(0, rows), rejections, rowsRead,
  };
}

/**
 * After a piece other than the last has been split: it ended where a record ends, or it was cut
 * wrong (lastRecordEnd), which must fail loudly rather than lose the record.
 */
export function checkWholeRecords(splitter: CsvRecordSplitter): void {
  splitter.end();
  if (splitter.nextFields() !== undefined) throw new Error("a piece of the file was cut inside a record (lastRecordEnd)");
}

function grown<T extends Float64Array | Int32Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
