import { describe, expect, it } from "vitest";
import { genresOfArtists } from "./artists";
import { artistGenres, genreStats, topLabelsByCluster } from "./genres";
import { NO_STRINGS } from "./types";

describe("genresOfArtists", () => {
  const byArtist = new Map([
    ["a1", ["pop", "dance pop"]],
    ["a2", ["dance pop", "edm"]],
    ["a3", NO_STRINGS],
  ]);

  it("is the union of the artists' genres, primary artist first", () => {
    expect(genresOfArtists(["a2", "a1"], byArtist)).toEqual(["dance pop", "edm", "pop"]);
    expect(genresOfArtists(["a3", "unknown", "a1"], byArtist)).toEqual(["pop", "dance pop"]);
    expect(genresOfArtists(["unknown"], byArtist)).toEqual([]);
  });

  it("shares the primary artist's list when the others add nothing, and never changes it", () => {
    expect(genresOfArtists(["a1"], byArtist)).toBe(byArtist.get("a1"));
    expect(genresOfArtists(["a1", "a3"], byArtist)).toBe(byArtist.get("a1"));
    genresOfArtists(["a1", "a2"], byArtist);
    expect(byArtist.get("a1")).toEqual(["pop", "dance pop"]);
  });
});

describe("genre statistics", () => {
  const tracks = [
    { genres: ["rap"], subgenres: ["trap"] },
    { genres: ["rap", "pop"], subgenres: ["trap", "dance pop"] },
    { genres: [], subgenres: [] },
    { genres: ["rock"], subgenres: ["hard rock"] },
  ];

  it("counts distinct genres and subgenres and tracks without a genre", () => {
    expect(genreStats(tracks)).toEqual({ distinctGenres: 3, distinctSubgenres: 3, tracksWithoutGenre: 1 });
  });

  it("gives each cluster its top genres with their share of its tracks that have a genre", () => {
    const top = topLabelsByCluster((i) => tracks[i].genres, [0, 0, 0, 1], 3, 5);
    expect(top).toEqual([
      [{ genre: "rap", share: 1 }, { genre: "pop", share: 0.5 }],
      [{ genre: "rock", share: 1 }],
      [],
    ]);
    expect(topLabelsByCluster((i) => tracks[i].genres, [0, 0, 0, 1], 2, 1)[0]).toEqual([{ genre: "rap", share: 1 }]);
  });
});

describe("artist genres", () => {
  it("gives a track without genres its primary artist's, most common first, and no other track any", () => {
    const tracks = [
      { artists: ["A"], genres: ["rap"] },
      { artists: ["A", "B"], genres: ["pop", "rap"] },
      { artists: ["A"], genres: [] },
      { artists: ["B"], genres: [] },
      { artists: ["C"], genres: [] },
    ];
    expect(artistGenres(tracks)).toEqual([[], [], ["rap", "pop"], [], []]);
  });
});
