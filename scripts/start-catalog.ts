// Which catalog `npm start` serves, and the demo user's liked songs from it.
//
// `npm start -- --catalog <file|URL>` (or TASTE_CLUSTERS_CATALOG) seeds that catalog unless it is the
// current one. What the current catalog was seeded from is remembered in .data/catalog-source.json
// (location, the catalog_model.dataset_checksum it produced, and for a file its size and mtime), not
// in the database: the state is valid only while the database's checksum still equals the one
// recorded, so a later `npm run seed`, another DATABASE_URL or a fresh database make it void.
// A URL is not downloaded again to compare it: the same URL counts as the same catalog.
import fs from "node:fs";
import path from "node:path";
import { DEMO_SIZE, DemoLibraryError, DemoPicker, demoLibraryFile } from "../lib/catalog/demo-library";
import { readCatalog } from "../lib/catalog/read";
import { DEFAULT_K, seedCatalog } from "../lib/catalog/seed";
import { CatalogSourceError, isUrlLocation, urlLabel } from "../lib/catalog/source";
import { readCatalogInfo } from "../lib/catalog/store";
import { progress } from "../lib/cli/progress";
import type { Db } from "../lib/db/client";

export const CATALOG_STATE_FILE = path.resolve(".data/catalog-source.json");
export const DEMO_LIBRARY_FILE = path.resolve(".data/demo-library.json");

export interface CatalogRequest {
  /** A catalog file or http(s) URL to serve; undefined keeps the current catalog (the sample when empty). */
  location?: string;
  /** The demo user's playlist (id or name) when the catalog has playlists. */
  demoPlaylist?: string;
  stateFile?: string;
  demoLibraryFile?: string;
}

export interface CatalogState {
  /** An absolute path, or the URL as given. */
  location: string;
  /** catalog_model.dataset_checksum right after the seed: the state holds while the database agrees. */
  checksum: string;
  seededAt: string;
  /** For a file: its size and mtime when seeded (a changed file is seeded again). */
  file: { size: number; mtimeMs: number } | null;
  /** The demo library written from this catalog, and the --demo-playlist it was made for. */
  demoLibrary: { path: string; playlist: string | null; source: string; tracks: number } | null;
}

/** A location as it may appear in the log (no URL credentials or query string). */
export function locationLabel(location: string): string {
  if (!isUrlLocation(location)) return path.relative(process.cwd(), location) || location;
  try {
    return urlLabel(new URL(location));
  } catch {
    return location;
  }
}

function readState(file: string): CatalogState | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as CatalogState;
  } catch {
    return null;
  }
}

function writeState(file: string, state: CatalogState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // The location may be a URL with a token in its query string: readable by this user only.
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

function fileStamp(location: string): CatalogState["file"] {
  if (isUrlLocation(location)) return null;
  try {
    const { size, mtimeMs } = fs.statSync(location);
    return { size, mtimeMs };
  } catch (error) {
    throw new CatalogSourceError(`${location} cannot be read: ${(error as Error).message}`);
  }
}

/**
 * Seeds the requested catalog when it is not the current one (or the sample into an empty catalog),
 * and, in demo mode, writes the demo user's library from a catalog seeded this way. Returns the
 * library file for the fake Spotify, or null for the bundled sample's demo user.
 */
export async function prepareCatalog(
  db: Db,
  request: CatalogRequest,
  options: { demo: boolean; sampleCatalog: string; sampleArtists?: string; log: (line: string) => void },
): Promise<{ libraryPath: string | null }> {
  const { log } = options;
  const stateFile = request.stateFile ?? CATALOG_STATE_FILE;
  const info = await readCatalogInfo(db);
  let state = readState(stateFile);
  if (state && state.checksum !== info?.model.datasetChecksum) state = null; // seeded otherwise since

  if (request.location) {
    const location = isUrlLocation(request.location) ? request.location : path.resolve(request.location);
    const label = locationLabel(location);
    const stamp = fileStamp(location);
    const current = state !== null && state.location === location
      && JSON.stringify(state.file) === JSON.stringify(stamp);
    if (current) {
      log(`Catalog: ${label} is the current catalog; not seeding it again.`);
    } else {
      log(`Seeding the catalog from ${label} (k = ${DEFAULT_K}); the current catalog stays until this succeeds…`);
      await seedCatalog(db, {
        file: location,
        k: DEFAULT_K,
        onPhase: (phase, total) =>
          phase === "read" ? progress("read", total, "MB", 1e6)
          : phase === "write" ? progress("write", total, "rows")
          : progress("cluster", 1, "step"),
      });
      const seeded = await readCatalogInfo(db);
      if (!seeded) throw new Error("The seed finished but the catalog is empty");
      const tracks = seeded.clusters.reduce((sum, c) => sum + c.size, 0);
      log(`Seeded ${tracks} tracks from ${label} in ${seeded.clusters.length} clusters.`);
      state = { location, checksum: seeded.model.datasetChecksum, seededAt: new Date().toISOString(), file: stamp, demoLibrary: null };
      writeState(stateFile, state);
    }
  } else if (!info) {
    log(`Empty catalog: seeding the bundled sample ${locationLabel(options.sampleCatalog)}…`);
    const summary = await seedCatalog(db, { file: options.sampleCatalog, artists: options.sampleArtists, k: DEFAULT_K });
    log(`Seeded ${summary.tracksKept} tracks in ${summary.k} clusters.`);
    return { libraryPath: null };
  }

  const wanted = request.demoPlaylist?.trim() || null;
  if (!state || !options.demo) {
    // The sample, or a catalog `npm run seed` made: the bundled demo user.
    if (wanted) log(`--demo-playlist is ignored: it applies to a catalog seeded by --catalog${options.demo ? "" : ", in demo mode"}.`);
    return { libraryPath: null };
  }
  const made = state.demoLibrary;
  if (made && made.playlist === wanted && fs.existsSync(made.path)) {
    log(`Demo user's liked songs: ${made.source}.`);
    return { libraryPath: made.path };
  }
  const libraryPath = request.demoLibraryFile ?? DEMO_LIBRARY_FILE;
  log(`Choosing the demo user's liked songs from ${locationLabel(state.location)}${isUrlLocation(state.location) ? " (downloading it again)" : ""}…`);
  const picker = new DemoPicker();
  try {
    for await (const row of readCatalog(state.location)) if (row.ok) picker.add(row.track);
  } catch (error) {
    // The catalog is seeded by now: only the demo user's songs are missing.
    throw new DemoLibraryError(`Reading ${locationLabel(state.location)} for the demo user's songs failed: ${(error as Error).message}`);
  }
  const library = demoLibraryFile(picker.pick({ playlist: wanted ?? undefined }));
  fs.mkdirSync(path.dirname(libraryPath), { recursive: true });
  fs.writeFileSync(libraryPath, `${JSON.stringify(library, null, 2)}\n`);
  state.demoLibrary = { path: libraryPath, playlist: wanted, source: library.source, tracks: library.savedTracks.length };
  writeState(stateFile, state);
  log(`Demo user's liked songs: ${library.source}${library.savedTracks.length === DEMO_SIZE ? "" : `, ${library.savedTracks.length} songs`}.`);
  return { libraryPath };
}
