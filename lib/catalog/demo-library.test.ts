import { describe, expect, it } from "vitest";
import { libraryFileSchema } from "../../e2e/fake-spotify/library";
import { DEMO_SIZE, DemoLibraryError, demoLibraryFile, pickDemoTracks, type DemoCandidate } from "./demo-library";

let counter = 0;
/** A 22-character base62 id from a number. */
function id(n: number): string {
  return `T${String(n).padStart(21, "0")}`;
}

function track(overrides: Partial<DemoCandidate> & { n?: number } = {}): DemoCandidate {
  const n = overrides.n ?? ++counter;
  return {
    id: id(n), name: `Song ${n}`, artists: [`Artist ${n % 7}`], durationMs: 200_000 + n, popularity: 50,
    explicit: null, genres: [], playlists: [],
    ...overrides,
  };
}

const membership = (pid: string, name: string, line: number) => ({ id: pid, name, genre: null, subgenre: null, line });

describe("pickDemoTracks", () => {
  it("takes the largest playlist, in file order, merging rows that repeat a track", () => {
    const rows = [
      track({ n: 1, playlists: [membership("p-small", "Small", 2)] }),
      track({ n: 2, playlists: [membership("p-big", "Big Mix", 5)] }),
      track({ n: 3, playlists: [membership("p-big", "Big Mix", 3)] }),
      track({ n: 1, playlists: [membership("p-big", "Big Mix", 9)] }), // track 1 again, in another playlist
      track({ n: 3, playlists: [membership("p-big", "Big Mix", 11)] }), // same playlist twice: once
      track({ n: 4, playlists: [membership("", "", 12)] }), // a withheld membership: no playlist
    ];
    const selection = pickDemoTracks(rows);
    expect(selection.description).toBe('playlist "Big Mix" (p-big, 3 tracks)');
    expect(selection.tracks.map((t) => t.id)).toEqual([id(3), id(2), id(1)]);
  });

  it("breaks a tie in size by name, then id, whatever the file order", () => {
    const rows = [
      track({ n: 1, playlists: [membership("p2", "Zebra", 2)] }),
      track({ n: 2, playlists: [membership("p1", "Alpha", 3)] }),
    ];
    expect(pickDemoTracks(rows).description).toMatch(/"Alpha"/);
    expect(pickDemoTracks([...rows].reverse()).description).toMatch(/"Alpha"/);
  });

  it("takes the playlist asked for, by id or by name ignoring case", () => {
    const rows = [
      track({ n: 1, playlists: [membership("p1", "Chill Vibes", 2)] }),
      track({ n: 2, playlists: [membership("p2", "Big", 3)] }),
      track({ n: 3, playlists: [membership("p2", "Big", 4)] }),
    ];
    expect(pickDemoTracks(rows, { playlist: "p1" }).tracks.map((t) => t.id)).toEqual([id(1)]);
    expect(pickDemoTracks(rows, { playlist: "chill vibes" }).tracks.map((t) => t.id)).toEqual([id(1)]);
  });

  it("names the largest playlists when the one asked for is unknown", () => {
    const rows = [track({ n: 1, playlists: [membership("p1", "Chill Vibes", 2)] })];
    expect(() => pickDemoTracks(rows, { playlist: "Nope" })).toThrow(DemoLibraryError);
    expect(() => pickDemoTracks(rows, { playlist: "Nope" })).toThrow('No playlist "Nope" in the catalog: its largest playlists are "Chill Vibes" (p1).');
    expect(() => pickDemoTracks([track()], { playlist: "Nope" })).toThrow(/this catalog has no playlists/);
  });

  it("without playlists, takes the most popular tracks of the most common genre", () => {
    const rows = [
      ...Array.from({ length: 60 }, (_, i) => track({ n: 100 + i, genres: ["rock"], popularity: i })),
      ...Array.from({ length: 10 }, (_, i) => track({ n: 200 + i, genres: ["jazz"], popularity: 99 })),
    ];
    const selection = pickDemoTracks(rows);
    expect(selection.description).toMatch(/"rock"/);
    expect(selection.tracks).toHaveLength(DEMO_SIZE);
    expect(selection.tracks[0]).toMatchObject({ id: id(159), popularity: 59 });
    expect(selection.tracks.at(-1)).toMatchObject({ popularity: 20 });
  });

  it("without playlists or genres, takes popular tracks of the most prolific artists, deterministically", () => {
    const rows = Array.from({ length: 500 }, (_, i) =>
      track({ n: 1000 + i, artists: [`Artist ${i % 25}`], popularity: (i * 37) % 101 }));
    const selection = pickDemoTracks(rows);
    expect(selection.tracks).toHaveLength(DEMO_SIZE);
    expect(new Set(selection.tracks.map((t) => t.id)).size).toBe(DEMO_SIZE);
    expect(pickDemoTracks([...rows].reverse())).toEqual(selection);
    // Artist by artist: each artist's tracks are together, most popular first.
    const firstArtist = selection.tracks[0].artists[0];
    const ofFirst = selection.tracks.filter((t) => t.artists[0] === firstArtist);
    expect(selection.tracks.slice(0, ofFirst.length)).toEqual(ofFirst);
  });

  it("skips tracks the fake Spotify could not serve (no name or no artist)", () => {
    const rows = [track({ n: 1, genres: ["pop"], name: "" }), track({ n: 2, genres: ["pop"], artists: [] }), track({ n: 3, genres: ["pop"] })];
    expect(pickDemoTracks(rows).tracks.map((t) => t.id)).toEqual([id(3)]);
  });
});

describe("demoLibraryFile", () => {
  it("writes a library the fake Spotify accepts, newest first, with distinct times", () => {
    const rows = Array.from({ length: 5 }, (_, i) => track({ n: 300 + i, genres: ["pop"], popularity: 90 - i, explicit: i === 0 ? true : null }));
    const file = demoLibraryFile(pickDemoTracks(rows));
    expect(libraryFileSchema.parse(file).savedTracks).toHaveLength(5);
    expect(file).toMatchObject({ userId: "demo", displayName: "Demo Listener" });
    expect(file.savedTracks[0]).toMatchObject({ id: id(300), explicit: true, addedAt: "2025-01-15T18:30:00Z" });
    expect(file.savedTracks[1]).not.toHaveProperty("explicit");
    const times = file.savedTracks.map((t) => Date.parse(t.addedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
  });

  it("refuses an empty selection", () => {
    expect(() => demoLibraryFile({ description: "nothing", tracks: [] })).toThrow(DemoLibraryError);
  });
});
