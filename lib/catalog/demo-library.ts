// The demo user's liked songs, taken from the catalog itself (`npm start -- --catalog ...`), so the
// demo shows real songs that the catalog knows. Pure: fed the catalog's rows, it picks deterministically.
//
// Choice, in order:
// 1. `--demo-playlist <id|name>`: that playlist (id exactly, or name ignoring case; the largest of
//    playlists sharing a name). Unknown → DemoLibraryError naming the largest playlists.
// 2. The catalog has playlists (the spotify-songs format): the one with the most tracks (ties: name,
//    then id), in file order — one real person's playlist, so one taste.
// 3. The catalog has genres: the DEMO_SIZE most popular tracks of its most common genre.
// 4. Otherwise: among the catalog's TOP_POOL most popular tracks, those of the artists with the most
//    tracks there, most prolific artist first, up to DEMO_SIZE.
// Ties in popularity go to the smaller id, so the same catalog always gives the same library.
import type { CatalogTrack } from "./types";

export const DEMO_SIZE = 40;
const TOP_POOL = 2000;
/** The newest liked song's date; each older one is 7 h 13 min earlier (distinct, ordered timestamps). */
const NEWEST_ADDED_AT = Date.parse("2025-01-15T18:30:00Z");
const ADDED_STEP_MS = (7 * 60 + 13) * 60_000;

export class DemoLibraryError extends Error {
  override name = "DemoLibraryError";
}

/** What the picker keeps of a catalog track (a row's track; rows repeating a track are merged). */
export type DemoCandidate = Pick<CatalogTrack, "id" | "name" | "artists" | "durationMs" | "popularity" | "explicit" | "genres" | "playlists">;

export interface DemoTrack {
  id: string;
  name: string;
  artists: string[];
  durationMs: number;
  popularity: number;
  explicit: boolean | null;
}

export interface DemoSelection {
  /** How the tracks were chosen, for the log: `playlist "Today's Top Hits" (spotify:...)`. */
  description: string;
  tracks: DemoTrack[];
}

/** The library file the fake Spotify reads (e2e/fake-spotify/library.ts, prisma/sample/demo-user.json). */
export interface DemoLibraryFile {
  userId: string;
  displayName: string;
  /** Not read by the fake: says where the songs come from. */
  source: string;
  savedTracks: { id: string; name: string; artists: string[]; durationMs: number; addedAt: string; explicit?: boolean }[];
}

interface PlaylistEntry {
  id: string;
  name: string;
  /** Track ids in file order (by the membership's line), each once. */
  members: { line: number; id: string }[];
  memberIds: Set<string>;
}

const byPopularity = (a: DemoTrack, b: DemoTrack) => b.popularity - a.popularity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function demoTrack(t: DemoCandidate): DemoTrack {
  return { id: t.id, name: t.name, artists: [...t.artists], durationMs: t.durationMs, popularity: t.popularity, explicit: t.explicit };
}

/** The `size` best of `list` by popularity, each id once. */
function topDistinct(list: DemoTrack[], size: number): DemoTrack[] {
  list.sort(byPopularity);
  const kept: DemoTrack[] = [];
  const ids = new Set<string>();
  for (const t of list) {
    if (kept.length === size) break;
    if (!ids.has(t.id)) {
      ids.add(t.id);
      kept.push(t);
    }
  }
  return kept;
}

/** Collects what the choice needs while the catalog streams by; memory stays bounded without playlists. */
export class DemoPicker {
  private readonly playlists = new Map<string, PlaylistEntry>();
  /** Tracks that sit in a playlist (first row wins). */
  private readonly playlistTracks = new Map<string, DemoTrack>();
  private readonly genreCounts = new Map<string, number>();
  private readonly genreTop = new Map<string, DemoTrack[]>();
  private top: DemoTrack[] = [];

  add(track: DemoCandidate): void {
    if (track.name === "" || track.artists.length === 0 || track.artists.some((a) => a === "")) return; // the fake needs both
    const kept = demoTrack(track);
    for (const membership of track.playlists) {
      if (membership.id === "" || membership.name === "") continue;
      let entry = this.playlists.get(membership.id);
      if (!entry) {
        entry = { id: membership.id, name: membership.name, members: [], memberIds: new Set() };
        this.playlists.set(membership.id, entry);
      }
      if (!entry.memberIds.has(track.id)) {
        entry.memberIds.add(track.id);
        entry.members.push({ line: membership.line, id: track.id });
      }
      if (!this.playlistTracks.has(track.id)) this.playlistTracks.set(track.id, kept);
    }
    for (const genre of track.genres) {
      this.genreCounts.set(genre, (this.genreCounts.get(genre) ?? 0) + 1);
      const list = this.genreTop.get(genre) ?? [];
      list.push(kept);
      this.genreTop.set(genre, list.length > 4 * DEMO_SIZE ? topDistinct(list, DEMO_SIZE) : list);
    }
    this.top.push(kept);
    if (this.top.length > 2 * TOP_POOL) this.top = topDistinct(this.top, TOP_POOL);
  }

  /** The playlists seen, largest first (ties: name, then id). */
  playlistNames(): { id: string; name: string; size: number }[] {
    return [...this.playlists.values()]
      .map((p) => ({ id: p.id, name: p.name, size: p.members.length }))
      .sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : 1));
  }

  pick(options: { playlist?: string } = {}): DemoSelection {
    const ranked = this.playlistNames();
    if (options.playlist !== undefined) {
      const wanted = options.playlist.trim();
      const found =
        ranked.find((p) => p.id === wanted) ?? ranked.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
      if (!found) {
        const offer = ranked.length === 0
          ? "this catalog has no playlists"
          : `its largest playlists are ${ranked.slice(0, 5).map((p) => `"${p.name}" (${p.id})`).join(", ")}`;
        throw new DemoLibraryError(`No playlist "${wanted}" in the catalog: ${offer}.`);
      }
      return this.playlistSelection(found.id);
    }
    if (ranked.length > 0) return this.playlistSelection(ranked[0].id);
    const genres = [...this.genreCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (genres.length > 0) {
      const [genre] = genres[0];
      return {
        description: `the ${DEMO_SIZE} most popular tracks of the most common genre, "${genre}"`,
        tracks: topDistinct(this.genreTop.get(genre)!, DEMO_SIZE),
      };
    }
    return this.prolificArtistsSelection();
  }

  private playlistSelection(id: string): DemoSelection {
    const entry = this.playlists.get(id)!;
    const tracks = [...entry.members].sort((a, b) => a.line - b.line).map((m) => this.playlistTracks.get(m.id)!);
    return { description: `playlist "${entry.name}" (${entry.id}, ${tracks.length} tracks)`, tracks };
  }

  private prolificArtistsSelection(): DemoSelection {
    const pool = topDistinct(this.top, TOP_POOL);
    const counts = new Map<string, number>();
    for (const t of pool) counts.set(t.artists[0], (counts.get(t.artists[0]) ?? 0) + 1);
    const artists = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name]) => name);
    const tracks: DemoTrack[] = [];
    const chosen: string[] = [];
    for (const artist of artists) {
      if (tracks.length >= DEMO_SIZE) break;
      chosen.push(artist);
      for (const t of pool) if (t.artists[0] === artist && tracks.length < DEMO_SIZE) tracks.push(t);
    }
    const names = chosen.length > 3 ? `${chosen.slice(0, 3).join(", ")} and ${chosen.length - 3} more` : chosen.join(", ");
    return { description: `popular tracks of the catalog's most prolific popular artists (${names})`, tracks };
  }
}

/** Picks from a whole catalog given as tracks (rows): for tests and small catalogs. */
export function pickDemoTracks(tracks: Iterable<DemoCandidate>, options: { playlist?: string } = {}): DemoSelection {
  const picker = new DemoPicker();
  for (const t of tracks) picker.add(t);
  return picker.pick(options);
}

/** The selection as the fake Spotify's library file for the demo user: first track = most recently liked. */
export function demoLibraryFile(selection: DemoSelection): DemoLibraryFile {
  if (selection.tracks.length === 0) throw new DemoLibraryError("The catalog gave no track for the demo user.");
  return {
    userId: "demo",
    displayName: "Demo Listener",
    source: selection.description,
    savedTracks: selection.tracks.map((t, i) => ({
      id: t.id,
      name: t.name,
      artists: t.artists,
      durationMs: t.durationMs,
      addedAt: new Date(NEWEST_ADDED_AT - i * ADDED_STEP_MS).toISOString().replace(".000Z", "Z"),
      ...(t.explicit === null ? {} : { explicit: t.explicit }),
    })),
  };
}
