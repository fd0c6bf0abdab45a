// The catalog file formats `npm run seed` recognises, told apart by their header alone. Pure.
import { TRACK_COLUMNS, type CatalogFormatId } from "./types";

/** TidyTuesday "Spotify Songs" / Kaggle "30000 Spotify Songs" spotify_songs.csv: one row per (track, playlist). */
export const SPOTIFY_SONGS_COLUMNS = [
  "track_id", "track_name", "track_artist", "track_popularity", "track_album_release_date",
  "playlist_name", "playlist_id", "playlist_genre", "playlist_subgenre",
  "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness", "instrumentalness",
  "liveness", "valence", "tempo", "duration_ms",
] as const;

/** zaheenhamidani "Spotify Tracks DB" SpotifyFeatures.csv: one row per (track, genre). */
export const SPOTIFY_FEATURES_COLUMNS = [
  "genre", "artist_name", "track_name", "track_id", "popularity", "acousticness", "danceability", "duration_ms",
  "energy", "instrumentalness", "key", "liveness", "loudness", "mode", "speechiness", "tempo", "time_signature",
  "valence",
] as const;

/** maharshipandya "Spotify Tracks Dataset" dataset.csv (after its unnamed index column): one row per (track, genre). */
export const TRACKS_DATASET_COLUMNS = [
  "track_id", "artists", "track_name", "popularity", "duration_ms", "explicit", "danceability", "energy", "key",
  "loudness", "mode", "speechiness", "acousticness", "instrumentalness", "liveness", "valence", "tempo",
  "time_signature", "track_genre",
] as const;

export type SpotifySongsColumn = (typeof SPOTIFY_SONGS_COLUMNS)[number];
export type SpotifyFeaturesColumn = (typeof SPOTIFY_FEATURES_COLUMNS)[number];
export type TracksDatasetColumn = (typeof TRACKS_DATASET_COLUMNS)[number];
/** Any column a format reads. */
export type CatalogColumn =
  | (typeof TRACK_COLUMNS)[number] | SpotifySongsColumn | SpotifyFeaturesColumn | TracksDatasetColumn;

/** Optional facts a catalog may or may not have (recorded in catalog_model.columns). */
export const OPTIONAL_COLUMNS = ["explicit", "release_year", "artist_ids", "genres", "subgenres", "playlists"] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

export interface CatalogFormat {
  id: CatalogFormatId;
  /** Human name, as the dataset is known on Kaggle. */
  name: string;
  /** The file's usual name, to help people recognise it. */
  fileName: string;
  /** Columns a file must have to be read in this format; extra columns are ignored. */
  columns: readonly CatalogColumn[];
  /** The optional facts a file of this format gives. */
  provides: readonly OptionalColumn[];
}

export const CATALOG_FORMATS: readonly CatalogFormat[] = [
  {
    id: "tracks-600k", name: "Spotify Dataset 1921-2020, 600k+ Tracks", fileName: "tracks.csv",
    columns: TRACK_COLUMNS, provides: ["explicit", "release_year", "artist_ids"],
  },
  {
    id: "spotify-songs", name: "Spotify Songs", fileName: "spotify_songs.csv",
    columns: SPOTIFY_SONGS_COLUMNS, provides: ["release_year", "genres", "subgenres", "playlists"],
  },
  {
    id: "spotify-features", name: "Spotify Tracks DB", fileName: "SpotifyFeatures.csv",
    columns: SPOTIFY_FEATURES_COLUMNS, provides: ["genres"],
  },
  {
    id: "tracks-dataset", name: "Spotify Tracks Dataset", fileName: "dataset.csv",
    columns: TRACKS_DATASET_COLUMNS, provides: ["explicit", "genres"],
  },
];

export function catalogFormat(id: CatalogFormatId): CatalogFormat {
  const format = CATALOG_FORMATS.find((f) => f.id === id);
  if (format === undefined) throw new Error(`unknown catalog format ${id}`);
  return format;
}

/** Position of every column a format reads, plus the header's width (every row must have it). */
export type ColumnIndex<C extends string = CatalogColumn> = Readonly<Record<C, number>> & { readonly columnCount: number };

export type HeaderMatch =
  | { ok: true; format: CatalogFormat; index: ColumnIndex }
  | { ok: false; closest: CatalogFormat; missing: CatalogColumn[] };

const BYTE_ORDER_MARK = "\uFEFF";

/** Header cells as names: a BOM on the first cell and surrounding spaces dropped. */
export function headerNames(header: readonly string[]): string[] {
  return header.map((cell, position) => (position === 0 && cell.startsWith(BYTE_ORDER_MARK) ? cell.slice(1) : cell).trim());
}

/** First position of each name (a repeated column name counts once, at its first place). */
function positionsOf(header: readonly string[]): Map<string, number> {
  const positions = new Map<string, number>();
  headerNames(header).forEach((name, position) => {
    if (!positions.has(name)) positions.set(name, position);
  });
  return positions;
}

/** Where `columns` sit in the header, or which of them are missing. */
export function indexColumns<C extends string>(
  header: readonly string[],
  columns: readonly C[],
): { ok: true; index: ColumnIndex<C> } | { ok: false; missing: C[] } {
  const positions = positionsOf(header);
  const missing = columns.filter((column) => !positions.has(column));
  if (missing.length > 0) return { ok: false, missing };
  const index = Object.fromEntries(columns.map((column) => [column, positions.get(column)])) as Record<C, number>;
  return { ok: true, index: { ...index, columnCount: header.length } };
}

/**
 * The format whose required columns the header all has. Should two match (a file with the columns of
 * both), the one reading more columns wins. Otherwise the closest format: most required columns present.
 */
export function matchHeader(header: readonly string[]): HeaderMatch {
  let best: { format: CatalogFormat; index: ColumnIndex } | undefined;
  let closest: { format: CatalogFormat; missing: CatalogColumn[] } | undefined;
  for (const format of CATALOG_FORMATS) {
    const check = indexColumns(header, format.columns);
    if (check.ok) {
      if (best === undefined || format.columns.length > best.format.columns.length) best = { format, index: check.index };
    } else if (closest === undefined || format.columns.length - check.missing.length > closest.format.columns.length - closest.missing.length) {
      closest = { format, missing: check.missing };
    }
  }
  if (best !== undefined) return { ok: true, ...best };
  return { ok: false, closest: closest!.format, missing: closest!.missing };
}

/** Why a header is refused: the known formats, and what the closest one lacks. */
export function unknownHeaderMessage(label: string, match: Extract<HeaderMatch, { ok: false }>): string {
  const known = CATALOG_FORMATS.map((f) => `"${f.name}" (${f.fileName})`).join(", ");
  return (
    `${label}: the header matches no known catalog format. Known: ${known}. ` +
    `Closest: "${match.closest.name}" (${match.closest.fileName}), missing: ${match.missing.join(", ")}`
  );
}
