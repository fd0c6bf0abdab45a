import { describe, expect, it } from "vitest";
import { TrackMerger, unionOf, type MergeableTrack } from "./merge";
import { NO_PLAYLISTS, NO_STRINGS, type PlaylistMembership } from "./types";

function track(id: string, overrides: Partial<MergeableTrack> = {}): MergeableTrack {
  return {
    id, popularity: 50, danceability: 0.5, energy: 0.5, key: 1, loudness: -7, mode: 1, speechiness: 0.1,
    acousticness: 0.2, instrumentalness: 0, liveness: 0.1, valence: 0.5, tempo: 120,
    genres: NO_STRINGS, subgenres: NO_STRINGS, playlists: NO_PLAYLISTS, ...overrides,
  };
}

const playlist = (id: string, line: number): PlaylistMembership => ({ id, name: `P ${id}`, genre: "pop", subgenre: null, line });

describe("unionOf", () => {
  it("adds what is new, in order, without touching either list", () => {
    const kept = ["rap", "trap"];
    const union = unionOf(kept, ["trap", "pop", "rap", "edm"]);
    expect(union).toEqual(["rap", "trap", "pop", "edm"]);
    expect(kept).toEqual(["rap", "trap"]);
  });

  it("returns the same list when nothing is new, and never pushes onto the shared empty list", () => {
    const kept = ["rap"];
    expect(unionOf(kept, ["rap"])).toBe(kept);
    expect(unionOf(NO_STRINGS, ["pop"])).toEqual(["pop"]);
    expect(NO_STRINGS).toEqual([]);
  });
});

describe("TrackMerger", () => {
  it("merges rows of one track into the first: genres, subgenres and playlists in file order", () => {
    const merger = new TrackMerger();
    expect(merger.add(track("a", { genres: ["pop"], subgenres: ["dance pop"], playlists: [playlist("p1", 2)] }))).toBe("new");
    expect(merger.add(track("b"))).toBe("new");
    expect(merger.add(track("a", { genres: ["rap"], subgenres: ["trap"], playlists: [playlist("p2", 4)] }))).toBe("merged");
    expect(merger.add(track("a", { genres: ["pop"], playlists: [playlist("p1", 5)] }))).toBe("merged");
    const [a, b] = merger.finish();
    expect(a.genres).toEqual(["pop", "rap"]);
    expect(a.subgenres).toEqual(["dance pop", "trap"]);
    expect(a.playlists.map((p) => `${p.id}@${p.line}`)).toEqual(["p1@2", "p2@4"]);
    expect(b.id).toBe("b");
    expect(merger).toMatchObject({ rowsMerged: 2, rowsConflicting: 0 });
  });

  it("keeps the first row's features and counts repeats whose features or popularity differ", () => {
    const merger = new TrackMerger();
    merger.add(track("a", { energy: 0.5, genres: ["rock"] }));
    expect(merger.add(track("a", { energy: 0.9, genres: ["metal"] }))).toBe("conflicting");
    expect(merger.add(track("a", { popularity: 51 }))).toBe("conflicting");
    expect(merger.add(track("a", { key: 2 }))).toBe("conflicting");
    expect(merger.add(track("a"))).toBe("merged");
    const [a] = merger.finish();
    expect(a).toMatchObject({ energy: 0.5, popularity: 50, key: 1, genres: ["rock", "metal"] });
    expect(merger).toMatchObject({ rowsMerged: 4, rowsConflicting: 3, size: 1 });
  });
});

describe("genre order of merged tracks", () => {
  it("puts the genre most of a track's rows give first, first-seen order breaking ties", () => {
    const row = (genres: string[], subgenres: string[] = []) =>
      ({ id: "x".repeat(22), genres, subgenres, playlists: [], popularity: 1, danceability: 0, energy: 0, key: 0,
        loudness: 0, mode: 0, speechiness: 0, acousticness: 0, instrumentalness: 0, liveness: 0, valence: 0, tempo: 0 });
    const merger = new TrackMerger<ReturnType<typeof row>>();
    merger.add(row(["pop"], ["dance pop"]));
    merger.add(row(["rap"], ["trap"]));
    merger.add(row(["rap"], ["trap"]));
    merger.add(row(["edm"], ["dance pop"]));
    const [track] = merger.finish();
    expect(track.genres).toEqual(["rap", "pop", "edm"]);
    expect(track.subgenres).toEqual(["dance pop", "trap"]);
  });
});
