// npm run evaluate -- --tracks <catalog file> [--protocol playlists|simulated] [--sweep] [--json]
//                     [--artists <artists.csv[.gz]>] [--users 200] [--seed 7] [--k 5,8,12,20]   (simulated protocol)
// Offline evaluation of the recommender against baselines, in memory (no database): on the real
// playlists of a catalog that has them (the TidyTuesday file), else on simulated users.
// Markdown tables on standard output (JSON with --json); progress on standard error.
import { parseArgs } from "node:util";
import { CatalogFileError, readCatalog } from "../lib/catalog/read";
import { TrackMerger } from "../lib/catalog/merge";
import type { CatalogTrack } from "../lib/catalog/types";
import { EvalCatalog } from "../lib/evaluation/catalog";
import { ArtistsFileError, readArtistGenres } from "../lib/catalog/artists";
import { SEED_DEFAULTS } from "../lib/evaluation/recommenders";
import { runPlaylistEvaluation } from "../lib/evaluation/playlist-run";
import { formatPlaylistReport, formatReport } from "../lib/evaluation/report";
import { runEvaluation } from "../lib/evaluation/run";

const USAGE =
  "usage: npm run evaluate -- --tracks <catalog file> [--protocol playlists|simulated] [--sweep] [--json]\n" +
  "       simulated protocol only: [--artists <artists.csv[.gz]>] [--users 200] [--seed 7] [--k 5,8,12,20]";

const { values } = parseArgs({
  options: {
    tracks: { type: "string" },
    artists: { type: "string" },
    users: { type: "string", default: "200" },
    seed: { type: "string", default: "7" },
    k: { type: "string", default: "5,8,12,20" },
    json: { type: "boolean", default: false },
    protocol: { type: "string" },
    sweep: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

const positiveInteger = (text: string, name: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a positive integer, got "${text}"`);
  return value;
};
if (!values.tracks) fail("--tracks is required");
const users = positiveInteger(values.users, "users");
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got "${values.seed}"`);
const ks = [...new Set(values.k.split(",").map((k) => positiveInteger(k.trim(), "k")))];

const started = performance.now();
const progress = (message: string) =>
  console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`);

/** The valid tracks, how many rows were rejected, and the file's sha256. */
async function loadTracks(path: string) {
  progress(`reading ${path}`);
  // Rows repeating a track (one per playlist or genre) merge as `npm run seed` merges them.
  const merger = new TrackMerger<CatalogTrack>();
  let rowsRead = 0;
  let rowsRejected = 0;
  const rows = readCatalog(path);
  let step = await rows.next();
  for (; !step.done; step = await rows.next()) {
    rowsRead++;
    if (step.value.ok) merger.add(step.value.track);
    else rowsRejected++;
  }
  const tracks = merger.finish();
  progress(`${rowsRead} rows, ${tracks.length} tracks, ${rowsRejected} rows rejected`);
  return { tracks, rowsRead, rowsRejected, sha256: step.value.sha256 };
}

/** Genres of the catalog's artists, or null without an artists file. */
async function loadGenres(path: string | undefined, tracks: readonly CatalogTrack[]) {
  if (path === undefined) return null;
  progress(`reading ${path}`);
  const catalogArtists = new Set(tracks.flatMap((t) => t.idArtists));
  const artists = await readArtistGenres(path, (id) => catalogArtists.has(id));
  progress(`${artists.rowsRead} artists read, ${artists.genres.size} of the catalog's ${catalogArtists.size} found`);
  return artists.genres;
}

let loaded: Awaited<ReturnType<typeof loadTracks>>;
let genres: Map<string, string[]> | null;
try {
  loaded = await loadTracks(values.tracks);
  genres = await loadGenres(values.artists, loaded.tracks);
} catch (error) {
  if (!(error instanceof CatalogFileError || error instanceof ArtistsFileError)) throw error;
  console.error((error as Error).message);
  process.exit(1);
}
const { tracks, rowsRejected } = loaded;
if (tracks.length === 0) {
  console.error(`${values.tracks}: no valid track`);
  process.exit(1);
}

const hasPlaylists = tracks.some((t) => t.playlists.length > 0);
const protocol = values.protocol ?? (hasPlaylists ? "playlists" : "simulated");
if (protocol !== "playlists" && protocol !== "simulated") fail(`--protocol must be playlists or simulated, got "${protocol}"`);
if (protocol === "playlists") {
  if (!hasPlaylists) fail(`${values.tracks} has no playlists: the playlist protocol needs a catalog with them (spotify_songs.csv)`);
  const catalog = new EvalCatalog(tracks, null);
  const result = runPlaylistEvaluation(catalog, { sweep: values.sweep, onStep: progress });
  progress("done");
  const source = {
    tracksFile: values.tracks, tracksSha256: loaded.sha256, rowsRead: loaded.rowsRead, tracks: tracks.length,
    command: `npm run evaluate -- ${process.argv.slice(2).join(" ")}`,
  };
  console.log(values.json ? JSON.stringify({ source, result }, null, 2) : formatPlaylistReport(result, source));
  process.exit(0);
}

const catalog = new EvalCatalog(tracks, genres);
const result = runEvaluation(catalog, { users, seed, ks, kmeansSeed: SEED_DEFAULTS.kmeansSeed, onStep: progress });
progress("done");

const source = {
  tracksFile: values.tracks,
  tracksSha256: loaded.sha256,
  rowsRejected,
  artistsFile: values.artists ?? null,
  artistsWithGenres: genres === null ? 0 : [...genres.values()].filter((g) => g.length > 0).length,
  mainK: ks.includes(SEED_DEFAULTS.k) ? SEED_DEFAULTS.k : ks[0],
  command: `npm run evaluate -- ${process.argv.slice(2).join(" ")}`,
};
console.log(values.json ? JSON.stringify({ source, result }, null, 2) : formatReport(result, source));
