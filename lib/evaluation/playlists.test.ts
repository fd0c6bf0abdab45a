import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TrackMerger } from "../catalog/merge";
import { readCatalog } from "../catalog/read";
import type { CatalogTrack, PlaylistMembership } from "../catalog/types";
import { DEFAULT_K } from "../catalog/seed";
import { DEFAULT_WEIGHTS } from "../recommend/rank";
import { DEFAULT_REQUEST } from "../recommend/service";
import { EvalCatalog } from "./catalog";
import { ndcg } from "./metrics";
import { APP_DEFAULTS, type AppSettings } from "./app-settings";
import { appMethod, articleMethod } from "./playlist-methods";
import { labelPrecision, runPlaylistEvaluation, type PlaylistEvaluation } from "./playlist-run";
import { GenreView, playlistUsers } from "./playlists";

let line = 2;
/** A catalog track with made-up defaults, in the playlists given as [id, genre] (genre null: a withheld row). */
function track(n: number, playlists: [id: string, genre: string | null][], overrides: Partial<CatalogTrack> = {}): CatalogTrack {
  const memberships: PlaylistMembership[] = playlists.map(([id, genre]) => ({
    id, name: id === "" ? "" : `Playlist ${id}`, genre, subgenre: genre && `${genre} sub`, line: line++,
  }));
  const genres = [...new Set(memberships.flatMap((p) => (p.genre ? [p.genre] : [])))];
  return {
    id: `t${String(n).padStart(21, "0")}`, name: `Song ${n}`, popularity: 50, durationMs: 200_000, explicit: null,
    artists: [`Artist ${n}`], idArtists: null, releaseDate: null, releaseYear: null,
    danceability: 0.5, energy: 0.5, key: 0, loudness: -8, mode: 1, speechiness: 0.05, acousticness: 0.5,
    instrumentalness: 0, liveness: 0.1, valence: 0.5, tempo: 120, timeSignature: null,
    genres, subgenres: genres.map((g) => `${g} sub`), playlists: memberships,
    ...overrides,
  };
}

describe("playlist users", () => {
  it("makes a user of each named playlist with at least 10 tracks: the first 70% in file order liked, the rest held out", () => {
    line = 2;
    const tracks = Array.from({ length: 14 }, (_, n) => track(n, [["P", "rock"]]));
    tracks.push(...Array.from({ length: 9 }, (_, n) => track(100 + n, [["short", "pop"]])));
    tracks.push(...Array.from({ length: 12 }, (_, n) => track(200 + n, [["", null]]))); // withheld: no name
    // Track 0 is also the last row of a second playlist Q, which appears after P in the file.
    tracks[0].playlists.push({ id: "Q", name: "Playlist Q", genre: "pop", subgenre: "pop sub", line: 999 });
    tracks.push(...Array.from({ length: 9 }, (_, n) => track(300 + n, [["Q", "pop"]])));
    // Rows in file order: swap two of P's lines so that track 5 comes before track 4.
    [tracks[4].playlists[0].line, tracks[5].playlists[0].line] = [tracks[5].playlists[0].line, tracks[4].playlists[0].line];
    const users = playlistUsers(tracks);
    expect(users.map((u) => u.playlistId)).toEqual(["P", "Q"]);
    const [p, q] = users;
    expect(p.liked).toEqual([0, 1, 2, 3, 5, 4, 6, 7, 8, 9, 10].slice(0, 10)); // round(14 × 0.7) = 10
    expect(p.heldOut).toEqual([10, 11, 12, 13]);
    expect(p.genre).toBe("rock");
    expect(q.liked.length + q.heldOut.length).toBe(10);
    expect(q.heldOut).toContain(0); // Q's last row
  });
});

describe("genres without the evaluated playlist", () => {
  it("drops the playlist's own rows, keeps other playlists', falls back to the artist's, and labels by majority", () => {
    line = 2;
    const tracks = [
      track(0, [["P", "rock"], ["Q", "pop"], ["R", "pop"]]),
      track(1, [["P", "rock"]]),
      track(2, [["Q", "pop"]], { artists: ["Artist 1"] }), // same artist as track 1
      track(3, [["", null]]),
    ];
    const view = new GenreView(tracks);
    expect(view.genresWithout(0, "P")).toEqual(["pop"]);
    expect(view.genresWithout(0, "X")).toEqual(tracks[0].genres);
    expect(view.genresWithout(1, "P")).toEqual([]);
    expect(view.visibleGenres(1, "P")).toEqual(["pop"]); // from track 2, same artist
    expect(view.visibleGenres(1, "Q")).toEqual(["rock"]);
    expect(view.visibleGenres(3, "P")).toEqual([]);
    expect(view.majorityGenre(0)).toBe("pop");
    expect(view.majorityGenre(3)).toBeNull();
  });

  it("hides a playlist's own genre labels from the app's method: leaking them would change its list", () => {
    line = 2;
    // Playlist P ("rock"): 10 liked songs (also in L, "rock") and 4 held-out songs that only P labels.
    // Decoys sound the same, are a little more popular, and are labelled "pop" by playlist D. All
    // artists differ, so only P's own labels could lift the held-out songs above the decoys.
    const liked = Array.from({ length: 10 }, (_, n) => track(n, [["P", "rock"], ["L", "rock"]]));
    const heldOut = Array.from({ length: 4 }, (_, n) => track(10 + n, [["P", "rock"]], { popularity: 40 }));
    const decoys = Array.from({ length: 6 }, (_, n) => track(20 + n, [["D", "pop"]], { popularity: 41 }));
    const other = Array.from({ length: 10 }, (_, n) => track(40 + n, [["F", "edm"]], { energy: 0.9, danceability: 0.9 }));
    const tracks = [...liked, ...heldOut, ...decoys, ...other];
    const catalog = new EvalCatalog(tracks, null);
    const user = playlistUsers(tracks).find((u) => u.playlistId === "P")!;
    expect(user.heldOut).toEqual([10, 11, 12, 13]);
    const settings: AppSettings = { ...APP_DEFAULTS, k: 2 };

    const list = appMethod(catalog, new GenreView(tracks), settings, "app", "app").recommend(user, 4);
    expect(list).toEqual([14, 15, 16, 17]);
    // A view that leaked P's labels would put exactly the held-out songs first.
    const leakyView = new (class extends GenreView {
      override visibleGenres(index: number) {
        return tracks[index].genres;
      }
    })(tracks);
    expect(appMethod(catalog, leakyView, settings, "leaky", "leaky").recommend(user, 4)).toEqual([10, 11, 12, 13]);
  });
});

describe("playlist metrics", () => {
  it("NDCG rewards hits near the top", () => {
    const heldOut = new Set([1, 2]);
    expect(ndcg([1, 2, 3], heldOut, 3)).toBeCloseTo(1, 12);
    // One hit at rank 2: (1/log2 3) / (1 + 1/log2 3).
    expect(ndcg([9, 1, 8], heldOut, 3)).toBeCloseTo((1 / Math.log2(3)) / (1 + 1 / Math.log2(3)), 12);
    expect(ndcg([9, 8], heldOut, 3)).toBe(0);
  });

  it("label precision counts matching slots over the cutoff; a playlist without a label has none", () => {
    expect(labelPrecision(["rock", "pop", null, "rock"], "rock", 5)).toBeCloseTo(0.4, 12);
    expect(labelPrecision(["rock"], null, 5)).toBeNull();
  });
});

describe("the article's method", () => {
  it("clusters on raw features with popularity, takes the dominant cluster's songs above 70 in file order", () => {
    line = 2;
    // Popularity dominates raw distances: the liked songs (popularity ~90) share a cluster with the other popular songs.
    const tracks = [
      ...Array.from({ length: 10 }, (_, n) => track(n, [["P", "pop"]], { popularity: 90 + (n % 3) })),
      ...Array.from({ length: 6 }, (_, n) => track(20 + n, [["Q", "pop"]], { popularity: 75 + n })),
      ...Array.from({ length: 20 }, (_, n) => track(40 + n, [["R", "pop"]], { popularity: n })),
    ];
    const catalog = new EvalCatalog(tracks, null);
    const user = { ...playlistUsers(tracks)[0], liked: [0, 1, 2, 3, 4, 5, 6] };
    const list = articleMethod(catalog).recommend(user, 20);
    expect(list.length).toBeGreaterThan(0);
    for (const i of list) expect(tracks[i].popularity).toBeGreaterThan(70);
    expect(list).toEqual([...list].sort((a, b) => a - b)); // file order
    expect(list.some((i) => user.liked.includes(i))).toBe(false);
  });
});

describe("the evaluation's app settings", () => {
  it("are the app's defaults", () => {
    expect(APP_DEFAULTS.k).toBe(DEFAULT_K);
    expect(APP_DEFAULTS.minPopularity).toBe(DEFAULT_REQUEST.minPopularity);
    expect(APP_DEFAULTS.maxPerArtist).toBe(DEFAULT_REQUEST.maxPerArtist);
    expect(APP_DEFAULTS.mode).toBe(DEFAULT_REQUEST.mode);
    expect(APP_DEFAULTS.weights).toEqual(DEFAULT_WEIGHTS);
  });
});

const REAL_FILE = fileURLToPath(new URL("../../../shared/data/spotify_songs.csv.gz", import.meta.url));
const realFilePresent = existsSync(REAL_FILE);

describe("on real playlists (../shared/data/spotify_songs.csv.gz)", () => {
  it("the app beats the article's method and random by clear margins on a fixed subset of playlists", async ({ skip }) => {
    if (!realFilePresent) {
      console.warn(`SKIPPED: ${REAL_FILE} is absent; the real-playlist evaluation did not run.`);
      skip(`${REAL_FILE} is absent`);
    }
    const merger = new TrackMerger<CatalogTrack>();
    for await (const row of readCatalog(REAL_FILE)) if (row.ok) merger.add(row.track);
    const catalog = new EvalCatalog(merger.finish(), null);
    // Every third playlist in file order: a fixed subset, about 120 playlists.
    const result: PlaylistEvaluation = runPlaylistEvaluation(catalog, { users: (all) => all.filter((u) => u.index % 3 === 0) });
    const score = (id: string) => result.methods.find((m) => m.method === id)!;
    const app = score("app");
    expect(result.users).toBeGreaterThan(100);
    for (const other of [score("article"), score("random"), score("before")]) {
      expect(app.hitRate).toBeGreaterThan(other.hitRate + 0.2);
      expect(app.genrePrecision).toBeGreaterThan(other.genrePrecision + 0.15);
      expect(app.ndcg).toBeGreaterThan(other.ndcg);
      expect(app.recall).toBeGreaterThan(other.recall);
      expect(app.subgenrePrecision).toBeGreaterThan(other.subgenrePrecision);
    }
    expect(app.coverage).toBeGreaterThan(score("article").coverage);
  }, 120_000);
});
