// The Kaggle "600k+ Tracks" artists.csv (or .csv.gz): id,followers,genres,name,popularity, genres a
// Python list string. Gives tracks.csv its genres (through id_artists) and the evaluation its artist genres.
import { CatalogFileError, detached, readCsvRecords } from "./read";
import { parsePythonList } from "./parse";
import { NO_STRINGS } from "./types";

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
 * has ~1.1M artists, of whom a catalog needs its tracks' artists only, and a seed those with a genre.
 */
export async function readArtistGenres(
  location: string,
  keep: (id: string, genres: readonly string[]) => boolean = () => true,
): Promise<ArtistGenres> {
  const genres = new Map<string, string[]>();
  const interned = new Map<string, string>();
  const intern = (genre: string) => interned.get(genre) ?? (interned.set(genre, detached(genre)), interned.get(genre)!);
  let columns: ArtistColumns | undefined;
  let rowsRead = 0;
  let rowsRejected = 0;
  const records = readCsvRecords(location);
  let step;
  try {
    for (step = await records.next(); !step.done; step = await records.next()) {
      const { fields } = step.value;
      if (fields.length === 1 && fields[0] === "") continue;
      if (columns === undefined) {
        const found = artistColumns(fields);
        if (found === null) throw new ArtistsFileError(`${location}: the header lacks an id or genres column`);
        columns = found;
        continue;
      }
      rowsRead++;
      const row = parseArtistRow(fields, columns);
      if (row === null) rowsRejected++;
      else if (keep(row.id, row.genres)) genres.set(detached(row.id), row.genres.length === 0 ? NO_STRINGS : row.genres.map(intern));
    }
  } catch (error) {
    if (error instanceof CatalogFileError) throw new ArtistsFileError(error.message);
    throw error;
  } finally {
    await records.return(undefined as never);
  }
  if (columns === undefined) throw new ArtistsFileError(`${location} is empty`);
  return { genres, rowsRead, rowsRejected, sha256: step.value.sha256 };
}

/**
 * A track's genres: the union of its artists' genres, primary artist first, each once. A track with
 * one artist (or whose other artists add nothing) shares its artist's list: nothing may mutate it.
 */
export function genresOfArtists(idArtists: readonly string[], genresByArtist: ReadonlyMap<string, readonly string[]>): string[] {
  let genres = (genresByArtist.get(idArtists[0]) ?? NO_STRINGS) as string[];
  for (let i = 1; i < idArtists.length; i++) {
    const more = genresByArtist.get(idArtists[i]);
    if (more === undefined) continue;
    for (const genre of more) {
      if (genres.includes(genre)) continue;
      if (genres === genresByArtist.get(idArtists[0]) || genres === NO_STRINGS) genres = [...genres];
      genres.push(genre);
    }
  }
  return genres;
}
