// `npm start -- --catalog ...`: seeds a catalog only when it is not the current one, and gives the
// demo user liked songs from it (a playlist of the catalog when it has playlists).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readLibraryFile } from "../e2e/fake-spotify/library";
import { seedCatalog } from "../lib/catalog/seed";
import { createDb, type Db } from "../lib/db/client";
import { createTestDatabase, type TestDatabase } from "../lib/testing/database";
import { prepareCatalog, type CatalogRequest, type CatalogState } from "./start-catalog";

const SAMPLE = path.resolve("prisma/sample/tracks.csv");
const HEADER =
  "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date," +
  "playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness," +
  "acousticness,instrumentalness,liveness,valence,tempo,duration_ms";

/** A small catalog in the TidyTuesday spotify_songs.csv format: 3 playlists, one track in two of them. */
function spotifySongsCsv(variant = 0): string {
  const playlists = [
    { id: "37i9dQZF1DXcBWIGoYBM5M", name: "Today's Top Hits", genre: "pop", size: 12 },
    { id: "37i9dQZF1DX4dyzvuaRJ0n", name: "Chill Rock", genre: "rock", size: 8 },
    { id: "37i9dQZF1DX0XUsuxWHRQd", name: "RapCaviar", genre: "rap", size: 10 },
  ];
  const lines = [HEADER];
  let n = 0;
  for (const [p, playlist] of playlists.entries()) {
    for (let i = 0; i < playlist.size; i++, n++) {
      const id = `${"abcdefghij"[p]}${String(n + variant).padStart(21, "0")}`;
      const f = (x: number) => ((x * 7919 + n * 104729) % 1000) / 1000;
      lines.push([
        id, `Song ${n}`, `Artist ${n % 5}`, 40 + (n % 50), `album${n}`.padEnd(22, "x"), `Album ${n}`, "2019-05-01",
        playlist.name, playlist.id, playlist.genre, `${playlist.genre} sub`,
        f(1), f(2), n % 12, -5 - (n % 10), n % 2, f(3) / 3, f(4), f(5) / 2, f(6) / 2, f(7), 80 + (n % 90), 180_000 + n,
      ].join(","));
    }
  }
  // The first pop song is also in Chill Rock: one track, two rows.
  lines.push(lines[1].replace("Today's Top Hits,37i9dQZF1DXcBWIGoYBM5M,pop,pop sub", "Chill Rock,37i9dQZF1DX4dyzvuaRJ0n,rock,rock sub"));
  return `${lines.join("\n")}\n`;
}

describe("prepareCatalog (npm start's --catalog)", () => {
  let database: TestDatabase;
  let db: Db;
  let work: string;
  let fixture: string;
  let request: (extra?: Partial<CatalogRequest>) => CatalogRequest;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const seededAt = async () => (await db.catalogModel.findUnique({ where: { id: 1 } }))?.seededAt.getTime();
  // A seed's progress lines (lib/cli/progress.ts, on stderr): kept here, not printed by a passing run.
  let progressLines: string[] = [];
  beforeEach(() => {
    progressLines = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void progressLines.push(String(line)));
  });
  afterEach(() => vi.restoreAllMocks());

  beforeAll(async () => {
    database = await createTestDatabase("start_catalog");
    db = createDb(database.url);
    work = await fs.mkdtemp(path.join(os.tmpdir(), "start-catalog-"));
    fixture = path.join(work, "spotify_songs.csv");
    await fs.writeFile(fixture, spotifySongsCsv());
    request = (extra = {}) => ({
      stateFile: path.join(work, "catalog-source.json"),
      demoLibraryFile: path.join(work, "demo-library.json"),
      ...extra,
    });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });
  const prepare = (extra?: Partial<CatalogRequest>, demo = true) =>
    prepareCatalog(db, request(extra), { demo, sampleCatalog: SAMPLE, log });

  it("seeds the bundled sample into an empty catalog, with the sample's demo user", async () => {
    expect(await prepare()).toEqual({ libraryPath: null });
    expect(await db.track.count()).toBeGreaterThan(1000);
    await expect(fs.access(request().stateFile!)).rejects.toThrow();
  });

  it("seeds --catalog, remembers it, and gives the demo user the catalog's largest playlist", async () => {
    const result = await prepare({ location: fixture });
    expect(result.libraryPath).toBe(request().demoLibraryFile);
    expect(await db.track.count()).toBe(30);
    const library = readLibraryFile(result.libraryPath!);
    expect(library.userId).toBe("demo");
    expect(library.savedTracks).toHaveLength(12);
    expect(library.savedTracks[0]).toMatchObject({ id: `a${"0".repeat(21)}`, name: "Song 0", artists: ["Artist 0"] });
    const ids = new Set((await db.track.findMany({ select: { id: true } })).map((t) => t.id));
    for (const t of library.savedTracks) expect(ids.has(t.id!)).toBe(true);
    const state = JSON.parse(await fs.readFile(request().stateFile!, "utf8")) as CatalogState;
    const model = await db.catalogModel.findUnique({ where: { id: 1 } });
    expect(state).toMatchObject({ location: fixture, checksum: model!.datasetChecksum, demoLibrary: { playlist: null, tracks: 12 } });
    expect(state.demoLibrary!.source).toMatch(/^playlist "Today's Top Hits"/);
  });

  it("does not seed the same catalog again, and keeps it (and its demo user) without --catalog", async () => {
    const before = await seededAt();
    lines.length = 0;
    expect((await prepare({ location: fixture })).libraryPath).toBe(request().demoLibraryFile);
    expect(lines.join("\n")).toMatch(/is the current catalog; not seeding it again/);
    expect((await prepare()).libraryPath).toBe(request().demoLibraryFile);
    expect(await seededAt()).toBe(before);
  });

  it("takes the playlist asked for, without seeding again", async () => {
    const before = await seededAt();
    const result = await prepare({ location: fixture, demoPlaylist: "chill rock" });
    const library = readLibraryFile(result.libraryPath!);
    expect(library.savedTracks).toHaveLength(9); // 8 rock songs and the pop song also in it
    expect(await seededAt()).toBe(before);
    await expect(prepare({ location: fixture, demoPlaylist: "Jazz" })).rejects.toThrow(/No playlist "Jazz".*"Today's Top Hits"/);
  });

  it("seeds the file again when it changed", async () => {
    const before = await seededAt();
    await fs.writeFile(fixture, spotifySongsCsv(100));
    await prepare({ location: fixture });
    expect(await seededAt()).not.toBe(before);
    expect(progressLines).toEqual(expect.arrayContaining([expect.stringMatching(/^read: started/), expect.stringMatching(/^write: started/)]));
    expect(await db.track.findUnique({ where: { id: `a${String(100).padStart(21, "0")}` } })).not.toBeNull();
  });

  it("forgets the remembered catalog once the catalog was seeded otherwise (npm run seed)", async () => {
    await seedCatalog(db, { file: SAMPLE, k: 4 });
    expect(await prepare()).toEqual({ libraryPath: null });
    lines.length = 0;
    await prepare({ location: fixture }); // no longer the current catalog: seeded again
    expect(lines.join("\n")).toMatch(/Seeding the catalog from/);
    expect(await db.track.count()).toBe(30);
  });

  it("leaves the demo user alone outside demo mode", async () => {
    expect(await prepare({ location: fixture }, false)).toEqual({ libraryPath: null });
  });

  it("fails on a missing file, naming it, and changes nothing", async () => {
    const count = await db.track.count();
    const missing = path.join(work, "nope.csv");
    await expect(prepare({ location: missing })).rejects.toThrow(missing);
    expect(await db.track.count()).toBe(count);
  });
});
