// A piece of a 600k-format catalog file (whole records) parsed into columns: what the parsing worker
// thread hands back to the seed (read-table.ts readCatalogIntoTable), as typed arrays and UTF-8 bytes that
// move between threads without being copied value by value. Pure.
import { CsvRecordSplitter } from "./csv";
import { parseTrackRow, type ColumnIndex, type RowRejection } from "./parse";
import { CHUNK_NUMBERS, resized, StringColumn, type Utf8List } from "./track-table";

const STRIDE = CHUNK_NUMBERS.length;

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

/**
 * Parses `bytes`, whole records of a 600k-format file starting at line `firstLine`, as readCatalog
 * would (parseTrackRow, the same rejections); `skipHeader` for the piece that starts the file. The
 * last record needs no line feed after it only when `final`; throws CsvSyntaxError (with the file's
 * line) for an unclosed quote, as the splitter does.
 */
export function parseChunk(
  bytes: Uint8Array, index: ColumnIndex, options: { firstLine: number; skipHeader: boolean; final: boolean },
): ParsedChunk {
  const splitter = pieceSplitter(bytes, options.firstLine, options.final);
  let numbers = new Float64Array(STRIDE * 4096);
  let artistCounts = new Int32Array(4096);
  const ids = new StringColumn();
  const names = new StringColumn();
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
      numbers = resized(numbers, 2 * numbers.length);
      artistCounts = resized(artistCounts, 2 * artistCounts.length);
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
      if (artists.length === artistEnds.length) artistEnds = resized(artistEnds, 2 * artistEnds.length);
      artistLength += artist.length;
      artistEnds[artists.length] = artistLength;
      artists.push(artist);
    }
    artistCounts[rows] = track.artists.length;
    rows++;
  }
  if (!options.final) checkWholeRecords(splitter);
  return {
    rows, numbers: numbers.slice(0, rows * STRIDE), ids: ids.toUtf8List(), names: names.toUtf8List(), artists: artists.join(""),
    artistEnds: artistEnds.slice(0, artists.length), artistCounts: artistCounts.slice(0, rows), rejections, rowsRead,
  };
}

/**
 * A splitter over a piece of a file that starts at line `firstLine` and ends where a record ends
 * (or, when `final`, where the file does; a piece cut elsewhere is decoded up to its last whole
 * character).
 */
export function pieceSplitter(bytes: Uint8Array, firstLine: number, final: boolean): CsvRecordSplitter {
  const splitter = new CsvRecordSplitter(firstLine);
  // A byte-order mark is a character of the text anywhere but at the file's start.
  splitter.feed(new TextDecoder("utf-8", { ignoreBOM: firstLine !== 1 }).decode(bytes, { stream: !final }));
  if (final) splitter.end();
  return splitter;
}

/**
 * After a piece other than the last has been split: it ended where a record ends, or it was cut
 * wrong (lastRecordEnd), which must fail loudly rather than lose the record.
 */
export function checkWholeRecords(splitter: CsvRecordSplitter): void {
  splitter.end();
  if (splitter.nextFields() !== undefined) throw new Error("a piece of the file was cut inside a record (lastRecordEnd)");
}
