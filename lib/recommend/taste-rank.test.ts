import { describe, expect, it } from "vitest";
import { DEFAULT_WEIGHTS, mostLikedArtists, popularityFloors, rankCandidates, SOUND_ONLY_WEIGHTS, tasteSignals } from "./rank";
import { apportion, clusterShares, dominantCluster, type RecTrack } from "./taste";

let nextId = 0;
function track(overrides: Partial<RecTrack> & { z: number[] }): RecTrack {
  const id = overrides.id ?? `t${nextId++}`;
  return {
    id, name: `Song ${id}`, artists: [overrides.primaryArtist ?? `Artist ${id}`], primaryArtist: `Artist ${id}`,
    releaseYear: 2000, popularity: 50, explicit: false, genres: [], clusterId: 0, matchKey: `song ${id}|artist ${id}`,
    ...overrides,
  };
}

describe("dominant cluster", () => {
  it("is the cluster most liked songs fall in, not the least frequent one", () => {
    expect(dominantCluster([2, 5, 5, 1, 5, 2])).toEqual({ clusterId: 5, count: 3, share: 0.5 });
  });

  it("breaks a tie in favour of the most recently liked song's cluster", () => {
    expect(dominantCluster([3, 1, 1, 3])?.clusterId).toBe(3);
    expect(dominantCluster([1, 3, 3, 1])?.clusterId).toBe(1);
  });

  it("is null with no songs, and shares add up to 1", () => {
    expect(dominantCluster([])).toBeNull();
    const shares = clusterShares([0, 0, 1, 2, 2, 2]);
    expect(shares.map((s) => s.clusterId)).toEqual([2, 0, 1]);
    expect(shares.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 12);
  });
});

describe("apportion", () => {
  it("splits slots in proportion and always adds up", () => {
    expect(apportion([0.5, 0.3, 0.2], 10)).toEqual([5, 3, 2]);
    expect(apportion([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(apportion([0.9, 0.1], 3).reduce((a, b) => a + b)).toBe(3);
  });
});

describe("popularity floors", () => {
  it("relaxes 10 at a time down to 0", () => {
    expect(popularityFloors(70)).toEqual([70, 60, 50, 40, 30, 20, 10, 0]);
    expect(popularityFloors(75)).toEqual([75, 70, 60, 50, 40, 30, 20, 10, 0]);
    expect(popularityFloors(0)).toEqual([0]);
  });
});

describe("ranking", () => {
  const options = { limit: 10, maxPerArtist: 2, allowExplicit: true };

  it("orders by closeness to the user's taste alone with sound-only weights, popularity breaking ties", () => {
    const liked = [track({ z: [0, 0] }), track({ z: [2, 0] })]; // taste centroid (1, 0)
    const far = track({ z: [5, 5], popularity: 99 });
    const near = track({ z: [1, 0.1], popularity: 10 });
    const tieLow = track({ z: [1, 1], popularity: 20 });
    const tieHigh = track({ z: [1, -1], popularity: 80 });
    const ranked = rankCandidates([far, tieLow, near, tieHigh], liked, { ...options, weights: SOUND_ONLY_WEIGHTS });
    expect(ranked.map((r) => r.track.id)).toEqual([near.id, tieHigh.id, tieLow.id, far.id]);
    expect(ranked[0].becauseOf?.id).toBe(liked[0].id);
  });

  it("never recommends a liked song, by id or under another id", () => {
    const liked = [track({ id: "liked", z: [0], matchKey: "yesterday|beatles" })];
    const remaster = track({ z: [0], matchKey: "yesterday|beatles" });
    const same = track({ id: "liked", z: [0] });
    const other = track({ z: [1] });
    expect(rankCandidates([remaster, same, other], liked, options).map((r) => r.track.id)).toEqual([other.id]);
  });

  it("keeps one version of a song, at most N songs per artist, and can drop explicit songs", () => {
    const liked = [track({ z: [0] })];
    const a1 = track({ z: [0.1], primaryArtist: "A", matchKey: "one|a" });
    const a1Again = track({ z: [0.2], primaryArtist: "A", matchKey: "one|a" });
    const a2 = track({ z: [0.3], primaryArtist: "A", matchKey: "two|a" });
    const a3 = track({ z: [0.4], primaryArtist: "a", matchKey: "three|a" });
    const explicit = track({ z: [0.5], explicit: true });
    const ids = (o: typeof options) => rankCandidates([a1, a1Again, a2, a3, explicit], liked, o).map((r) => r.track.id);
    expect(ids(options)).toEqual([a1.id, a2.id, explicit.id]);
    expect(ids({ ...options, allowExplicit: false })).toEqual([a1.id, a2.id]);
    expect(ids({ ...options, maxPerArtist: 3, limit: 2 })).toEqual([a1.id, a2.id]);
  });

  it("lifts songs by artists and in genres the user likes, and says so", () => {
    const liked = [
      track({ z: [0], artists: ["Drake", "Rihanna"], primaryArtist: "Drake", genres: ["rap"] }),
      track({ z: [0], artists: ["drake"], primaryArtist: "drake", genres: ["rap", "r&b"] }),
      track({ z: [0], genres: ["pop"] }),
    ];
    const signals = tasteSignals(liked);
    // rap: 1 + ½ of 2.5 genre weights; Drake in 2 liked songs, whatever the case; Rihanna in 1.
    expect(signals.genres.get("rap")).toBeCloseTo(1.5 / 3, 12);
    expect(signals.artists.get("drake")).toBe(2);
    expect(signals.artists.get("rihanna")).toBe(1);

    const plain = track({ z: [0.1], popularity: 90 });
    const sameGenre = track({ z: [0.2], genres: ["rap"] });
    const byArtist = track({ z: [0.9], primaryArtist: "Drake", artists: ["Drake"], popularity: 20 });
    const ranked = rankCandidates([plain, sameGenre, byArtist], liked, { ...options, signals });
    expect(ranked.map((r) => r.track.id)).toEqual([byArtist.id, sameGenre.id, plain.id]);
    expect(ranked[0].likedArtist).toEqual({ name: "Drake", likedSongs: 2 });
    expect(ranked[1].sharedGenre).toEqual({ genre: "rap", share: 0.5 });
    expect(ranked[2]).toMatchObject({ likedArtist: null, sharedGenre: null });
    // Without signals the ranking is by sound and popularity only.
    expect(rankCandidates([plain, sameGenre, byArtist], liked, options)[0].track.id).toBe(plain.id);
  });

  it("counts a track's main genre fully and its other genres half", () => {
    const liked = [track({ z: [0], genres: ["rock"] })];
    const signals = tasteSignals(liked);
    const mainlyRock = track({ z: [0], genres: ["rock", "pop"] });
    const partlyRock = track({ z: [0], genres: ["pop", "rock"] });
    const ranked = rankCandidates([partlyRock, mainlyRock], liked, { ...options, signals });
    expect(ranked.map((r) => r.track.id)).toEqual([mainlyRock.id, partlyRock.id]);
    expect(ranked.map((r) => r.sharedGenre)).toEqual([{ genre: "rock", share: 1 }, { genre: "rock", share: 1 }]);
    expect(ranked[0].score - ranked[1].score).toBeCloseTo(DEFAULT_WEIGHTS.genre * 0.5, 12);
  });
});

describe("liked artists for candidates", () => {
  it("come most liked first, ties by recency, at most the limit", () => {
    const liked = ["B", "A", "C", "A", "C", "D"].map((primaryArtist) => ({ primaryArtist }));
    expect(mostLikedArtists(liked, 10)).toEqual(["A", "C", "B", "D"]);
    expect(mostLikedArtists(liked, 2)).toEqual(["A", "C"]);
  });
});
