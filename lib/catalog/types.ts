/** Columns of the Kaggle "Spotify Dataset 1921-2020, 600k+ Tracks" tracks.csv, in file order. */
export const TRACK_COLUMNS = [
  "id", "name", "popularity", "duration_ms", "explicit", "artists", "id_artists", "release_date",
  "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
  "instrumentalness", "liveness", "valence", "tempo", "time_signature",
] as const;

/** One valid catalog row, in the units of the dataset. */
export interface CatalogTrack {
  id: string; // 22-character base62 Spotify id
  name: string;
  popularity: number; // 0..100
  durationMs: number;
  explicit: boolean;
  artists: string[];
  idArtists: string[];
  releaseDate: string; // as in the file: YYYY, YYYY-MM or YYYY-MM-DD
  releaseYear: number;
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
  timeSignature: number; // 0..5
}

/** The audio features k-means clusters on (the README explains the choice). */
export const CLUSTER_FEATURES = [
  "danceability", "energy", "valence", "acousticness", "instrumentalness", "speechiness", "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];
export type ClusterFeature = (typeof CLUSTER_FEATURES)[number];

export type TrackColumn = (typeof TRACK_COLUMNS)[number];
