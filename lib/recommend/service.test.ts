// The shared recommendation pipeline (page, API, CLI) on a seeded catalog of the Spotify Songs
// format: genres, artists and why, on a catalog without an explicit flag.
import fs from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { seedCatalog } from "../catalog/seed";
import { createDb, sqlPoolOf } from "../db/client";
import { PrismaClient } from "../db/generated/client";
import { seedWorkspace } from "../testing/seed-workspace";
import { DEFAULT_REQUEST, recommend } from "./service";

const HEADER =
  "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date," +
  "playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness," +
  "acousticness,instrumentalness,liveness,valence,tempo,duration_ms";

const id = (n: number) => `t${String(n).padStart(21, "0")}`;

/** One row: a spoken, slow "rap" sound or a loud, fast "edm" one; an empty playlist is a withheld row. */
function row(n: number, artist: string, popularity: number, playlist: string, genre: string, sound: "rap" | "edm"): string {
  const [dance, energy, speech, tempo] = sound === "rap" ? [0.8, 0.6, 0.35 + (n % 100) / 1000, 90] : [0.6, 0.95, 0.04 + (n % 100) / 1000, 128];
  return [
    id(n), `Song ${n}`, artist, popularity, "a".repeat(22), "Album", "2019-06-14",
    playlist && `Playlist ${playlist}`, playlist && `p${playlist}`.padEnd(22, "0"), genre, genre && `${genre} sub`,
    dance, energy, 1, -6, 1, speech, 0.1, 0, 0.1, 0.5, tempo, 200000,
  ].join(",");
}

describe("recommend() on a catalog with genres and without an explicit flag", () => {
  const workspace = seedWorkspace("recommend_service");

  beforeAll(async () => {
    const rows = [
      row(1, "MC Liked", 50, "A", "rap", "rap"),
      row(2, "MC Liked", 52, "A", "rap", "rap"),
      row(3, "Other Liked", 55, "A", "rap", "rap"),
      row(4, "MC Liked", 10, "B", "rap", "rap"), // the liked artist's lesser-known song
      row(5, "MC Liked", 8, "", "", "rap"), // found only in a withheld playlist: no genre of its own
      ...Array.from({ length: 8 }, (_, i) => row(10 + i, `Rapper ${i}`, 90, "C", "rap", "rap")),
      ...Array.from({ length: 10 }, (_, i) => row(30 + i, `DJ ${i}`, 95, "D", "edm", "edm")),
    ];
    const file = path.join(workspace.work, "spotify_songs.csv");
    await fs.writeFile(file, [HEADER, ...rows].join("\n") + "\n");
    await seedCatalog(workspace.db, { file, k: 2 });
  });

  it("ranks the liked artist's songs first, says why, and never recommends a liked song", async () => {
    const result = await recommend(workspace.db, { ...DEFAULT_REQUEST, trackIds: [id(1), id(2), id(3)], limit: 6 });
    expect(result.catalog).toEqual({ format: "spotify-songs", columns: expect.not.arrayContaining(["explicit"]) });
    expect(result.dominant?.topGenres[0]).toEqual({ genre: "rap", share: 1 });
    const ids = result.recommendations.map((r) => r.track.id);
    expect(ids).not.toContain(id(1));
    expect(ids.slice(0, 2).sort()).toEqual([id(4), id(5)]);
    const [first] = result.recommendations;
    expect(first.likedArtist).toEqual({ name: "MC Liked", likedSongs: 2 });
    expect(first.why[0]).toBe("MC Liked is on 2 of your songs");
    // A song without a genre of its own is known by its artist's other songs.
    const unlabelled = result.recommendations.find((r) => r.track.id === id(5))!;
    expect(unlabelled.track.genres).toEqual(["rap"]);
    expect(unlabelled.track.explicit).toBeNull();
    // The rest: rap songs (the user's genre), not the more popular edm ones.
    for (const r of result.recommendations) expect(r.track.genres).toEqual(["rap"]);
  });

  it("leaves out songs and artists the user said are not for them, and the next best songs take their places", async () => {
    const base = { ...DEFAULT_REQUEST, trackIds: [id(1), id(2), id(3)], limit: 6 };
    const before = (await recommend(workspace.db, base)).recommendations.map((r) => r.track.id);
    expect(before.slice(0, 2).sort()).toEqual([id(4), id(5)]);
    const after = await recommend(workspace.db, { ...base, excludeIds: [id(4)], excludeArtists: ["rapper 0"] });
    const ids = after.recommendations.map((r) => r.track.id);
    expect(ids).toHaveLength(6);
    expect(ids).not.toContain(id(4));
    expect(after.recommendations.map((r) => r.track.primaryArtist)).not.toContain("Rapper 0");
    expect(ids[0]).toBe(id(5));
    // The freed slots go to songs that were not on the list before.
    expect(ids.filter((t) => !before.includes(t)).length).toBeGreaterThanOrEqual(1);
  });

  it("says that explicit songs cannot be left out of a catalog without the flag", async () => {
    const result = await recommend(workspace.db, { ...DEFAULT_REQUEST, trackIds: [id(1)], allowExplicit: false });
    expect(result.notice).toMatch(/no explicit flag/);
    expect(result.recommendations.length).toBeGreaterThan(0);
  });
});

describe("recommend() on a cluster larger than the candidate pool", () => {
  const workspace = seedWorkspace("recommend_service_big");
  // 1,700 popular rap songs by 425 artists fill the pool of the 1,500 most popular; the liked
  // artist's lesser-known songs lie below it and come in only through the liked-artist query.
  const filler = Array.from({ length: 1_700 }, (_, i) => row(100 + i, `Rapper ${i % 425}`, 50 + (i % 50), "C", "rap", "rap"));
  const catalog = (withObscure: boolean) => [
    HEADER,
    row(1, "MC Liked", 60, "A", "rap", "rap"),
    row(2, "MC Liked", 60, "A", "rap", "rap"),
    ...(withObscure ? [row(3, "MC Liked", 1, "B", "rap", "rap")] : []),
    row(4, "MC Liked", 2, "B", "rap", "rap"),
    ...filler,
    ...Array.from({ length: 10 }, (_, i) => row(5_000 + i, `DJ ${i}`, 95, "D", "edm", "edm")),
  ].join("\n") + "\n";

  /** Seeds the small catalog (with or without song 3) and returns its file. */
  const seedSmall = async (withSong3 = true) => {
    const file = path.join(workspace.work, "spotify_songs.csv");
    await fs.writeFile(file, catalog(withSong3));
    await seedCatalog(workspace.db, { file, k: 2 });
    return file;
  };
  /** The names of the statements sent on the client's pool by `run`. */
  const statementsOf = async (run: () => Promise<unknown>) => {
    const queries = vi.spyOn(sqlPoolOf(workspace.db)!, "query");
    try {
      await run();
      return queries.mock.calls.map(([config]) => (config as { name?: string }).name);
    } finally {
      queries.mockRestore();
    }
  };


  it("reads the liked artist's songs below the pool, and a re-seed is seen at the next request", async () => {
    const file = path.join(workspace.work, "spotify_songs.csv");
    await fs.writeFile(file, catalog(true));
    await seedCatalog(workspace.db, { file, k: 2 });
    const ask = () => recommend(workspace.db, { ...DEFAULT_REQUEST, trackIds: [id(1), id(2)], limit: 5 });
    const first = await ask();
    expect(first.recommendations.slice(0, 2).map((r) => r.track.id).sort()).toEqual([id(3), id(4)]);
    expect((await ask()).recommendations.map((r) => r.track.id)).toEqual(first.recommendations.map((r) => r.track.id));

    // The same catalog without song 3: the artist's songs held for the old catalog are not used.
    await fs.writeFile(file, catalog(false));
    await seedCatalog(workspace.db, { file, k: 2 });
    const after = await ask();
    expect(after.recommendations[0].track.id).toBe(id(4));
    expect(after.recommendations.map((r) => r.track.id)).not.toContain(id(3));
  }, 60_000);

  it("sees a re-seed by another process at its next request, sending one query per warm request", async () => {
    const file = await seedSmall();
    const request = { ...DEFAULT_REQUEST, trackIds: [id(1), id(2)], limit: 5 };
    const first = await recommend(workspace.db, request);
    expect(first.recommendations.map((r) => r.track.id)).toContain(id(3));

    // Warm: the catalog, its candidates, the artist's songs and the liked songs are held; one
    // query reads the catalog's version.
    expect(await statementsOf(() => recommend(workspace.db, request))).toEqual(["recommend-version"]);

    // Another process (its own client and caches) re-seeds without song 3.
    const other = createDb(workspace.url, { max: 2 });
    try {
      await fs.writeFile(file, catalog(false));
      await seedCatalog(other, { file, k: 2 });
    } finally {
      await other.$disconnect();
    }
    const after = await recommend(workspace.db, request);
    expect(after.recommendations.map((r) => r.track.id)).not.toContain(id(3));
    expect(after.recommendations[0].track.id).toBe(id(4));
  }, 60_000);

  it("serves concurrent warm requests from one shared version read, with the same answers", async () => {
    await seedSmall();
    const request = { ...DEFAULT_REQUEST, trackIds: [id(1), id(2)], limit: 5 };
    const expected = await recommend(workspace.db, request);

    let answers: unknown[] = [];
    const statements = await statementsOf(async () => {
      answers = await Promise.all(Array.from({ length: 20 }, () => recommend(workspace.db, request)));
    });
    // The first read is shared by the requests that ask while it is on its way, the second by the rest.
    expect(statements.length).toBeGreaterThanOrEqual(1);
    expect(statements.length).toBeLessThanOrEqual(2);
    for (const name of statements) expect(name).toBe("recommend-version");
    for (const answer of answers) expect(answer).toEqual(expected);
  }, 60_000);

  it("answers with a query of its own when the shared version read fails", async () => {
    await seedSmall();
    const request = { ...DEFAULT_REQUEST, trackIds: [id(1), id(2)], limit: 5 };
    const expected = await recommend(workspace.db, request);

    const pool = sqlPoolOf(workspace.db)!;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    const queries = vi.spyOn(pool, "query").mockImplementation(((config: { name?: string }, ...rest: unknown[]) =>
      config?.name === "recommend-version" ? Promise.reject(new Error("connection lost")) : query(config, ...rest)) as never);
    try {
      expect(await recommend(workspace.db, request)).toEqual(expected);
      expect(queries.mock.calls.map(([config]) => (config as { name?: string }).name)).toEqual(["recommend-version", "recommend-version-and-tracks"]);
    } finally {
      queries.mockRestore();
    }
  }, 60_000);

  it("reads the tracks of a request with more ids than it holds for one (a whole library) every time", async () => {
    await seedSmall();
    // 1,001 ids, most of them not in the catalog: a page's request for a large library.
    const trackIds = [id(1), id(2), ...Array.from({ length: 999 }, (_, i) => `x${String(i).padStart(21, "0")}`)];
    const request = { ...DEFAULT_REQUEST, trackIds, limit: 5 };
    const first = await recommend(workspace.db, request);
    let again: unknown;
    expect(await statementsOf(async () => (again = await recommend(workspace.db, request)))).toEqual(["recommend-version-and-tracks"]);
    expect(again).toEqual(first);

    // With one id fewer the request's tracks are held: the next one only reads the version.
    const smaller = { ...request, trackIds: trackIds.slice(0, 1_000) };
    await recommend(workspace.db, smaller);
    expect(await statementsOf(() => recommend(workspace.db, smaller))).toEqual(["recommend-version"]);
  }, 60_000);

  it("answers the same through a Prisma client with no pool to share (plain SQL through Prisma)", async () => {
    const request = { ...DEFAULT_REQUEST, trackIds: [id(1), id(2), id(100), "0".repeat(22)], limit: 8, mode: "mix" as const };
    const own = new PrismaClient({ adapter: new PrismaPg({ connectionString: workspace.url, max: 2 }) });
    try {
      expect(sqlPoolOf(own)).toBeNull();
      const expected = await recommend(workspace.db, request);
      expect(expected.matched).toEqual({ byId: 3, byName: 0, notFound: ["0".repeat(22)] });
      expect(await recommend(own, request)).toEqual(expected);
    } finally {
      await own.$disconnect();
    }
  });
});
