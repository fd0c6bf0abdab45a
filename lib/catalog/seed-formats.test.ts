import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { seedWorkspace } from "../testing/seed-workspace";
import { SeedError, seedCatalog } from "./seed";
import { readCatalogInfo } from "./store";

const SAMPLE_TRACKS = path.resolve("prisma/sample/tracks.csv");
const SAMPLE_ARTISTS = path.resolve("prisma/sample/artists.csv");
const SHARED_SONGS = fileURLToPath(new URL("../../../shared/data/spotify_songs.csv.gz", import.meta.url));
const sharedSongsPresent = existsSync(SHARED_SONGS);
if (!sharedSongsPresent) console.warn(`${SHARED_SONGS} is absent: the real Spotify Songs seed test is skipped.`);

const DATASET_HEADER =
  ",track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode," +
  "speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre";
const IDS = ["5SuOikwiRyPMVoIQDJUgSV", "4qPNDBW1i3p13qLCt0Ki3A", "1iJBSr7s7jYXzM8EGcbK5b", "6lfxq3CG4xtTiEg7opyCyx", "5vjLSffimiIP26QG5WcN2K", "01MVOl9KtVTNfFiBU9I7dc"];

/** dataset.csv rows: three loud dance tracks and three quiet acoustic ones, the first two under two genres. */
function datasetCsv(): string {
  const row = (n: number, id: string, genre: string, popularity: number, energy: string, acoustic: string, explicit = "False") =>
    [n, id, n % 2 ? "A;B" : "C", "Album", `"Song ${n}, live"`, popularity, 200000 + n, explicit, energy, energy, 5, "-6", 1, "0.05", acoustic, "0", "0.1", "0.5", 120 + IDS.indexOf(id), 4, genre].join(",");
  return [
    DATASET_HEADER,
    row(0, IDS[0], "dance", 60, "0.9", "0.05", "True"),
    row(1, IDS[1], "dance", 61, "0.85", "0.1"),
    row(2, IDS[2], "edm", 62, "0.95", "0.02"),
    row(3, IDS[3], "acoustic", 40, "0.2", "0.9"),
    row(4, IDS[4], "folk", 41, "0.25", "0.85"),
    row(5, IDS[5], "", 42, "0.15", "0.95"),
    row(6, IDS[0], "edm", 60, "0.9", "0.05", "True"), // same features: merged
    row(7, IDS[3], "folk", 45, "0.2", "0.9"), // popularity differs: merged, conflicting
  ].join("\n") + "\n";
}

describe("seeding every catalog format", () => {
  const workspace = seedWorkspace("seed_formats");

  it("merges repeated tracks of dataset.csv, stores genres, the format and each cluster's top genres", async () => {
    const file = path.join(workspace.work, "dataset.csv");
    await fs.writeFile(file, datasetCsv());
    const summary = await seedCatalog(workspace.db, { file, k: 2 });
    expect(summary).toMatchObject({
      format: "tracks-dataset", columns: ["explicit", "genres"], rowsRead: 8, rowsRejected: 0, rowsKept: 8,
      rowsMerged: 2, rowsConflicting: 1, tracksKept: 6, distinctGenres: 4, distinctSubgenres: 0, tracksWithoutGenre: 1,
    });
    const stored = await workspace.db.track.findMany({ orderBy: { popularity: "asc" }, select: { id: true, genres: true, explicit: true, releaseYear: true, popularity: true, artists: true } });
    expect(stored.find((t) => t.id === IDS[0])).toMatchObject({ genres: ["dance", "edm"], explicit: true, releaseYear: null, artists: ["C"] });
    expect(stored.find((t) => t.id === IDS[3])).toMatchObject({ genres: ["acoustic", "folk"], popularity: 40 });
    expect(stored.find((t) => t.id === IDS[5])?.genres).toEqual([]);
    const info = await readCatalogInfo(workspace.db);
    expect(info?.model).toMatchObject({ format: "tracks-dataset", columns: ["explicit", "genres"], rowsKept: 6, rowsMerged: 2, rowsConflicting: 1 });
    const quiet = info!.clusters.find((c) => (c.topGenres as { genre: string }[]).some((g) => g.genre === "folk"))!;
    // Of its two tracks with a genre, both are folk and one is also acoustic (the third has none).
    expect(quiet.topGenres).toEqual([{ genre: "folk", share: 1 }, { genre: "acoustic", share: 0.5 }]);
    expect(quiet.label).toMatch(/ · folk · acoustic$/);
    expect(summary.clusters.find((c) => c.id === quiet.id)?.topGenres).toEqual(quiet.topGenres);
  });

  it("gives the 600k format its artists' genres with --artists", async () => {
    const summary = await seedCatalog(workspace.db, { file: SAMPLE_TRACKS, artists: SAMPLE_ARTISTS, k: 6 });
    expect(summary.format).toBe("tracks-600k");
    expect(summary.columns).toEqual(["explicit", "release_year", "artist_ids", "genres"]);
    expect(summary.tracksWithoutGenre).toBe(0);
    expect(summary.distinctGenres).toBeGreaterThan(5);
    expect(summary.clusters.every((c) => c.label.includes(" · "))).toBe(true);
    const [withGenres] = await workspace.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM track WHERE cardinality(genres) > 0`;
    expect(Number(withGenres.n)).toBe(summary.tracksKept);
  });

  it("seeds the 600k format without --artists exactly as before: no genres, sound labels only", async () => {
    const summary = await seedCatalog(workspace.db, { file: SAMPLE_TRACKS, k: 6 });
    expect(summary).toMatchObject({ columns: ["explicit", "release_year", "artist_ids"], distinctGenres: 0, rowsMerged: 0 });
    expect(summary.clusters.some((c) => c.label.includes(" · "))).toBe(false);
    expect(summary.clusters.every((c) => c.topGenres.length === 0)).toBe(true);
  });

  it("refuses --artists with a format that has no artist ids, changing nothing", async () => {
    const before = await readCatalogInfo(workspace.db);
    const file = path.join(workspace.work, "dataset-2.csv");
    await fs.writeFile(file, datasetCsv());
    const error = await seedCatalog(workspace.db, { file, artists: SAMPLE_ARTISTS, k: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(SeedError);
    expect(error.message).toMatch(/"Spotify Tracks Dataset" format: --artists goes with the 600k-tracks tracks\.csv only/);
    expect((await readCatalogInfo(workspace.db))?.model.seededAt).toEqual(before?.model.seededAt);
  });

  it("seeds the real Spotify Songs file (../shared/data/spotify_songs.csv.gz)", async ({ skip }) => {
    // Absent, the test is reported as skipped with the reason, never as passed.
    if (!sharedSongsPresent) skip(`${SHARED_SONGS} is absent: NOT tested`);
    const summary = await seedCatalog(workspace.db, { file: SHARED_SONGS, k: 8 });
    expect(summary).toMatchObject({
      format: "spotify-songs", rowsRead: 31_453, rowsRejected: 0, tracksKept: 28_356, distinctGenres: 6,
      distinctSubgenres: 24, tracksWithoutGenre: 5_735,
    });
    expect(summary.rowsMerged).toBe(31_453 - 28_356);
    const [nulls] = await workspace.db.$queryRaw<{ explicit: bigint; years: bigint }[]>`
      SELECT count(*) FILTER (WHERE explicit IS NULL) AS explicit, count(*) FILTER (WHERE release_year IS NULL) AS years FROM track`;
    expect(nulls).toEqual({ explicit: 28_356n, years: 0n });
  }, 120_000);
});
