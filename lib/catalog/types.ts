/** Columns of the Kaggle "Spotify Dataset 1921-2020, 600k+ Tracks" tracks.csv, in file order. */
export const TRACK_COLUMNS = [
  "id", "name", "popularity", "duration_ms", "explicit", "artists", "id_artists", "release_date",
  "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
  "instrumentalness", "liveness", "valence", "tempo", "time_signature",
] as const;

/** The catalog file formats `npm run seed` recognises by their header (lib/catalog/formats.ts). */
export type CatalogFormatId =
  | "tracks-600k" // yamaerenay "Spotify Dataset 1921-2020, 600k+ Tracks" tracks.csv
  | "spotify-songs" // TidyTuesday "Spotify Songs" / Kaggle "30000 Spotify Songs" spotify_songs.csv
  | "spotify-features" // zaheenhamidani "Spotify Tracks DB" SpotifyFeatures.csv
  | "tracks-dataset"; // maharshipandya "Spotify Tracks Dataset" dataset.csv

/** A playlist a row of the file placed the track in (only the spotify-songs format has them). */
export interface PlaylistMembership {
  id: string;
  name: string;
  /** The playlist's genre and subgenre as the file gives them; null when the cell is empty. */
  genre: string | null;
  subgenre: string | null;
  /** 1-based line of the row in the file: file order within a playlist. */
  line: number;
}

/**
 * One catalog track, in the units of the dataset. A field the file's format lacks is null
 * (never invented): no explicit flag, release date or artist ids where the file has none.
 */
export interface CatalogTrack {
  id: string; // 22-character base62 Spotify id
  name: string;
  popularity: number; // 0..100
  durationMs: number;
  explicit: boolean | null;
  artists: string[];
  idArtists: string[] | null;
  releaseDate: string | null; // as in the file: YYYY, YYYY-MM or YYYY-MM-DD
  releaseYear: number | null;
  danceability: number; // 0..1
  energy: number; // 0..1
  key: number; // -1..11
  loudness: number; // dB, about -60..5
  mode: number; // 0 or 1
  speechiness: number; // 0..1
  acousticness: number; // 0..1
  instrumentalness: number; // 0..1
  liveness: number; // 0..1
  valence: number; // 0..1
  tempo: number; // BPM, 0..250
  timeSignature: number | null; // 0..7
  /** Genres (and subgenres) the file gives the track, distinct, in first-seen order; [] when none. */
  genres: string[];
  subgenres: string[];
  /** Playlists the file places the track in, in file order; [] for formats without playlists. */
  playlists: PlaylistMembership[];
}

/** The audio features k-means clusters on (the README explains the choice). */
export const CLUSTER_FEATURES = [
  "danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness", "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];
export type ClusterFeature = (typeof CLUSTER_FEATURES)[number];

export type TrackColumn = (typeof TRACK_COLUMNS)[number];

/**
 * The one empty genres/subgenres list every track without any shares (frozen: never push to it; merge.ts
 * replaces it with a fresh list): hundreds of thousands of tracks must not each hold an empty array.
 */
export const NO_STRINGS = Object.freeze([]) as unknown as string[];
/** The one empty playlists list, shared like NO_STRINGS. */
export const NO_PLAYLISTS = Object.freeze([]) as unknown as PlaylistMembership[];
