// Streaming reader for the Kaggle artists.csv (or .csv.gz): id,followers,genres,name,popularity,
// genres a Python list string. The evaluation's only I/O module besides lib/catalog/read.ts.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform, pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CsvRecordSplitter } from "../catalog/csv";
import { parsePythonList } from "../catalog/parse";

/** The artists file cannot be used: unreadable, not gzip, empty, no id/genres column or broken quoting. */
export class ArtistsFileError extends Error {
  override name = "ArtistsFileError";
}

export interface ArtistGenres {
  /** Genres by artist id (only artists `keep` accepted; genre strings are shared between artists). */
  genres: Map<string, string[]>;
  rowsRead: number;
  /** Rows without an id or whose genres are not a Python list of strings. */
  rowsRejected: number;
  /** sha256 of the file as stored (compressed bytes for .gz). */
  sha256: string;
}

export interface ArtistColumns {
  id: number;
  genres: number;
}

/** Positions of the id and genres columns, or null when either is missing. */
export function artistColumns(header: readonly string[]): ArtistColumns | null {
  const names = header.map((cell, i) => (i === 0 ? cell.replace(/^\uFEFF/, "") : cell).trim());
  const id = names.indexOf("id");
  const genres = names.indexOf("genres");
  return id === -1 || genres === -1 ? null : { id, genres };
}

/** One data row's artist id and genres, or null when the row is unusable. */
export function parseArtistRow(fields: readonly string[], columns: ArtistColumns): { id: string; genres: string[] } | null {
  const id = fields[columns.id]?.trim();
  const genres = parsePythonList(fields[columns.genres] ?? "");
  return id && genres !== null ? { id, genres: genres.map((g) => g.trim()).filter(Boolean) } : null;
}

/**
 * Reads artists.csv, keeping the genres of the artists `keep` accepts (by default all): the real file
 * has ~1.1M artists, of whom the catalog needs its tracks' artists only.
 */
export async function readArtistGenres(path: string, keep: (id: string) => boolean = () => true): Promise<ArtistGenres> {
  const hash = createHash("sha256");
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const onError = () => {}; // errors surface through the stream being read
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream: Readable = path.endsWith(".gz")
    ? pipeline(file, meter, createGunzip(), onError)
    : pipeline(file, meter, onError);

  const genres = new Map<string, string[]>();
  const interned = new Map<string, string>();
  const intern = (genre: string) => interned.get(genre) ?? (interned.set(genre, genre), genre);
  let columns: ArtistColumns | undefined;
  let rowsRead = 0;
  let rowsRejected = 0;
  const accept = (fields: string[]) => {
    if (fields.length === 1 && fields[0] === "") return;
    if (columns === undefined) {
      const found = artistColumns(fields);
      if (found === null) throw new ArtistsFileError(`${path}: the header lacks an id or genres column`);
      columns = found;
      return;
    }
    rowsRead++;
    const row = parseArtistRow(fields, columns);
    if (row === null) rowsRejected++;
    else if (keep(row.id)) genres.set(row.id, row.genres.map(intern));
  };

  const decoder = new TextDecoder("utf-8");
  const splitter = new CsvRecordSplitter();
  const drain = () => {
    for (let record = splitter.next(); record !== undefined; record = splitter.next()) accept(record.fields);
  };
  try {
    for await (const chunk of stream) {
      splitter.feed(decoder.decode(chunk as Buffer, { stream: true }));
      drain();
    }
    splitter.feed(decoder.decode());
    splitter.end();
    drain();
  } catch (error) {
    if (error instanceof ArtistsFileError) throw error;
    throw new ArtistsFileError(`${path}: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (columns === undefined) throw new ArtistsFileError(`${path} is empty`);
  return { genres, rowsRead, rowsRejected, sha256: hash.digest("hex") };
}
