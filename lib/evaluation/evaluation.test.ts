import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { readCatalog } from "../catalog/read";
import { DEFAULT_K, DEFAULT_SEED } from "../catalog/seed";
import type { CatalogTrack } from "../catalog/types";
import { DEFAULT_REQUEST } from "../recommend/service";
import { APP_BEFORE, APP_DEFAULTS } from "./app-settings";
import { EvalCatalog, type CatalogClustering } from "./catalog";
import {
  catalogCoverage, clusterCeiling, confidenceHalfWidth, genrePrecision, hit, intraListDiversity, mean, novelty, recall,
} from "./metrics";
import { artistColumns, parseArtistRow, readArtistGenres } from "../catalog/artists";
import {
  articleRecommender, oursRecommender, popularRecommender, randomRecommender, SEED_DEFAULTS,
} from "./recommenders";
import { formatReport } from "./report";
import { runEvaluation, type EvaluationResult } from "./run";
import { simulateUsers, type SimUser } from "./simulate";

const SAMPLE_TRACKS = fileURLToPath(new URL("../../prisma/sample/tracks.csv", import.meta.url));
const SAMPLE_ARTISTS = fileURLToPath(new URL("../../prisma/sample/artists.csv", import.meta.url));

async function loadSample(): Promise<EvalCatalog> {
  const tracks: CatalogTrack[] = [];
  for await (const row of readCatalog(SAMPLE_TRACKS)) if (row.ok) tracks.push(row.track);
  const { genres } = await readArtistGenres(SAMPLE_ARTISTS);
  return new EvalCatalog(tracks, genres);
}

/** A track with made-up defaults; ids are 22 characters like Spotify's. */
function track(n: number, overrides: Partial<CatalogTrack> = {}): CatalogTrack {
  const id = `t${n}`.padEnd(22, "0");
  return {
    id, name: `Song ${n}`, popularity: 50, durationMs: 200_000, explicit: false,
    artists: [`Artist ${n}`], idArtists: [`a${n}`.padEnd(22, "0")], releaseDate: "2000", releaseYear: 2000,
    danceability: 0.5, energy: 0.5, key: 0, loudness: -8, mode: 1, speechiness: 0.05, acousticness: 0.5,
    instrumentalness: 0, liveness: 0.1, valence: 0.5, tempo: 120, timeSignature: 4,
    genres: [], subgenres: [], playlists: [],
    ...overrides,
  };
}

function user(liked: number[], heldOut: number[] = [], randomSeed = 1): SimUser {
  return { index: 0, seedArtist: "", genre: null, artists: [], liked, heldOut, randomSeed };
}

function clustering(assignments: number[]): CatalogClustering {
  const k = Math.max(...assignments) + 1;
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignments) sizes[c]++;
  return { k, assignments: Int32Array.from(assignments), sizes, inertia: 0 };
}

describe("metrics, on hand-made lists", () => {
  const heldOut = new Set([3, 7, 9, 11]);

  it("hit and recall count held-out items in the list", () => {
    expect(hit([1, 2, 3], heldOut)).toBe(1);
    expect(hit([1, 2, 4], heldOut)).toBe(0);
    expect(recall([7, 1, 3, 2, 9], heldOut)).toBe(3 / 4);
    expect(recall([], heldOut)).toBe(0);
    expect(() => recall([1], new Set())).toThrow();
  });

  it("genre precision divides matching tracks by the cutoff; genre-less artists and empty slots miss", () => {
    const userGenres = new Set(["folk", "indie"]);
    // folk ✓, rock ✗, [indie, pop] ✓, no genres ✗ → 2 of 4.
    expect(genrePrecision([["folk"], ["rock"], ["indie", "pop"], []], userGenres, 4)).toBe(0.5);
    // Same list with a cutoff of 10: 6 empty slots are misses → 2 / 10.
    expect(genrePrecision([["folk"], ["rock"], ["indie", "pop"], []], userGenres, 10)).toBe(0.2);
    expect(genrePrecision([["folk"]], new Set(), 10)).toBeNull();
  });

  it("intra-list diversity is the mean pairwise Euclidean distance", () => {
    // Distances: (0,0)-(3,4) = 5, (0,0)-(0,4) = 4, (3,4)-(0,4) = 3 → mean 4.
    expect(intraListDiversity([[0, 0], [3, 4], [0, 4]])).toBe(4);
    expect(intraListDiversity([[1, 1], [1, 1]])).toBe(0);
    expect(intraListDiversity([[1, 1]])).toBeNull();
  });

  it("novelty is the mean of (100 − popularity) / 100", () => {
    expect(novelty([100, 50, 0])).toBe(0.5);
    expect(novelty([80, 90])).toBeCloseTo(0.15, 12);
    expect(novelty([])).toBeNull();
  });

  it("coverage is distinct recommended items over the catalog size", () => {
    // Items 1, 2, 3, 5 over a catalog of 10.
    expect(catalogCoverage([[1, 2, 3], [2, 3, 5], []], 10)).toBe(0.4);
  });

  it("the ceiling is the share of held-out items in the dominant cluster", () => {
    expect(clusterCeiling([2, 2, 0, 2, -1], 2)).toBe(0.6);
    expect(clusterCeiling([1], 2)).toBe(0);
  });

  it("mean skips undefined values; the confidence half-width is 1.96 × sd / √n", () => {
    expect(mean([1, null, 2, 3])).toBe(2);
    expect(mean([null])).toBeNull();
    // [0, 1, 0, 1]: mean 0.5, sample variance 1/3, sd / √4 = 0.288675 → × 1.96 = 0.565803.
    expect(confidenceHalfWidth([0, 1, 0, 1])).toBeCloseTo(0.565803, 5);
    expect(confidenceHalfWidth([1])).toBeNull();
  });
});

describe("recommenders, on a hand-made catalog", () => {
  // Tracks 0..7 in file order: cluster 0 = {0, 1, 2, 3, 4}, cluster 1 = {5, 6, 7}.
  const popularity = [90, 71, 70, 95, 80, 99, 10, 20];
  const tracks = popularity.map((p, n) => track(n, { popularity: p, energy: n / 10 }));
  const catalog = new EvalCatalog(tracks, null);
  const clusters = clustering([0, 0, 0, 0, 0, 1, 1, 1]);

  it("the article's method takes the dominant cluster's tracks above 70 in file order, skipping liked ones", () => {
    const article = articleRecommender(catalog, clusters);
    // Liked: 0 and 2 (cluster 0) and 6 (cluster 1) → cluster 0; popularity > 70 in file order: 0, 1, 3, 4; 0 is liked.
    expect(article.recommend(user([0, 6, 2]), 10)).toEqual([1, 3, 4]);
    expect(article.recommend(user([0, 6, 2]), 2)).toEqual([1, 3]);
  });

  it("most popular skips liked songs; ties keep file order", () => {
    const popular = popularRecommender(new EvalCatalog([track(0, { popularity: 5 }), track(1), track(2), track(3, { popularity: 60 })], null));
    expect(popular.recommend(user([3]), 3)).toEqual([1, 2, 0]);
  });

  it("random is repeatable per user, never recommends liked songs, and longer lists extend shorter ones", () => {
    const random = randomRecommender(catalog);
    const long = random.recommend(user([0, 1], [], 99), 6);
    expect(new Set(long)).toEqual(new Set([2, 3, 4, 5, 6, 7]));
    expect(random.recommend(user([0, 1], [], 99), 3)).toEqual(long.slice(0, 3));
  });

  it("ours ranks by closeness to the liked songs of the dominant cluster and relaxes the floor like the app", () => {
    // The app before genres and artists counted: sound only, popularity ≥ 70.
    const ours = oursRecommender(catalog, clusters, APP_BEFORE);
    // Liked 4 (energy 0.4) → cluster 0. At floor 70: 0, 1, 2, 3 are candidates, nearest in energy first: 3, 2, 1, 0.
    expect(ours.recommend(user([4]), 4)).toEqual([3, 2, 1, 0]);
    // Liked 5 → cluster 1, where only 5 (liked) passes 70 and only 7 passes 20: the floor drops to 10
    // to fill 2 slots; 6 (energy .6) is closer to 5 (energy .5) than 7 (energy .7).
    expect(ours.recommend(user([5]), 2)).toEqual([6, 7]);
  });

  it("with the app's defaults, lifts the liked artist's songs above closer-sounding ones", () => {
    // Liked 4 (Artist 4) → cluster 0. A song of cluster 0 by Artist 4 (popularity 5) beats the closer ones.
    const withArtist = new EvalCatalog([...tracks, track(8, { popularity: 5, energy: 0.1, artists: ["Artist 4"], idArtists: ["a4".padEnd(22, "0")] })], null);
    const ours = oursRecommender(withArtist, clustering([0, 0, 0, 0, 0, 1, 1, 1, 0]));
    expect(ours.recommend(user([4]), 2)[0]).toBe(8);
  });

  it("replicates the app's settings (lib/recommend/service.ts, lib/catalog/seed.ts)", () => {
    expect(APP_DEFAULTS.minPopularity).toBe(DEFAULT_REQUEST.minPopularity);
    expect(APP_DEFAULTS.maxPerArtist).toBe(DEFAULT_REQUEST.maxPerArtist);
    // The replay allows explicit songs (lib/evaluation/app-replay.ts), as the app does by default.
    expect(DEFAULT_REQUEST.allowExplicit).toBe(true);
    const service = readFileSync(fileURLToPath(new URL("../recommend/service.ts", import.meta.url)), "utf8");
    const pool = /const CANDIDATE_POOL = ([\d_]+);/.exec(service)?.[1];
    expect(Number(pool?.replaceAll("_", ""))).toBe(APP_DEFAULTS.candidatePool);
    const maxPool = /const MAX_CANDIDATE_POOL = ([\d_]+);/.exec(service)?.[1];
    expect(Number(maxPool?.replaceAll("_", ""))).toBe(APP_DEFAULTS.maxCandidatePool);
    expect(SEED_DEFAULTS).toEqual({ k: DEFAULT_K, kmeansSeed: DEFAULT_SEED });
  });
});

describe("artists.csv rows", () => {
  it("finds the id and genres columns and parses the genres list", () => {
    const columns = artistColumns(["\uFEFFid", "followers", "genres", "name", "popularity"]);
    expect(columns).toEqual({ id: 0, genres: 2 });
    expect(parseArtistRow(["x1", "10.0", "['indie folk', \"children's music\"]", "X", "5"], columns!)).toEqual({
      id: "x1", genres: ["indie folk", "children's music"],
    });
    expect(parseArtistRow(["x2", "", "[]", "Y", "0"], columns!)).toEqual({ id: "x2", genres: [] });
    expect(parseArtistRow(["x3", "", "not a list", "Z", "0"], columns!)).toBeNull();
    expect(artistColumns(["id", "name"])).toBeNull();
  });
});

describe("on the bundled sample", () => {
  let catalog: EvalCatalog;
  let result: EvaluationResult;
  beforeAll(async () => {
    catalog = await loadSample();
    result = runEvaluation(catalog, { users: 60, seed: 7, ks: [SEED_DEFAULTS.k], kmeansSeed: SEED_DEFAULTS.kmeansSeed });
  });

  it("simulates users from one genre, holds out 20% of each, and is repeatable", () => {
    const users = simulateUsers(catalog, { users: 60, seed: 7 });
    expect(users).toHaveLength(60);
    for (const u of users) {
      const all = [...u.liked, ...u.heldOut];
      expect(all.length).toBeGreaterThanOrEqual(20);
      expect(all.length).toBeLessThanOrEqual(60);
      expect(new Set(all).size).toBe(all.length);
      expect(u.heldOut.length).toBe(Math.round(all.length * 0.2));
      for (const i of all) expect(u.artists).toContain(catalog.tracks[i].idArtists![0]);
      for (const a of u.artists) expect(catalog.artistGenres(a)).toContain(u.genre);
    }
    // The same seed gives the same users, and the first users do not depend on how many are asked for.
    expect(simulateUsers(catalog, { users: 10, seed: 7 })).toEqual(users.slice(0, 10));
    expect(simulateUsers(catalog, { users: 10, seed: 8 })).not.toEqual(users.slice(0, 10));
  });

  it("ours beats random and the article's method on genre precision@10", () => {
    const score = (method: string) =>
      [...result.baselines, ...result.perK[0].methods].find((m) => m.method === method)!.scores[10].genrePrecision!;
    expect(score("ours")).toBeGreaterThan(score("random"));
    expect(score("ours")).toBeGreaterThan(score("article"));
  });

  it("lists never contain liked songs and reports render every method", () => {
    const ours = oursRecommender(catalog, clusterOf(catalog));
    for (const u of simulateUsers(catalog, { users: 20, seed: 7 })) {
      const list = ours.recommend(u, 50);
      expect(list.some((i) => u.liked.includes(i))).toBe(false);
      expect(new Set(list).size).toBe(list.length);
    }
    const report = formatReport(result, {
      tracksFile: "tracks.csv", tracksSha256: "0".repeat(64), rowsRejected: 0, artistsFile: "artists.csv",
      artistsWithGenres: 162, mainK: 8, command: "npm run evaluate",
    });
    for (const label of ["random", "most popular", "article", "ours", "Top 10", "Top 50", "Choice of k"]) expect(report).toContain(label);
  });
});

/** A cheap stand-in clustering for checks that do not need k-means: low and high energy. */
function clusterOf(catalog: EvalCatalog): CatalogClustering {
  return clustering(catalog.tracks.map((t) => (t.energy > 0.5 ? 1 : 0)));
}
