import { describe, expect, it } from "vitest";
import { popularityFloors, rankCandidates } from "./rank";
import { apportion, clusterShares, dominantCluster, type RecTrack } from "./taste";

let nextId = 0;
function track(overrides: Partial<RecTrack> & { z: number[] }): RecTrack {
  const id = overrides.id ?? `t${nextId++}`;
  return {
    id, name: `Song ${id}`, artists: [overrides.primaryArtist ?? `Artist ${id}`], primaryArtist: `Artist ${id}`,
    releaseYear: 2000, popularity: 50, explicit: false, clusterId: 0, matchKey: `song ${id}|artist ${id}`,
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

  it("orders by closeness to the user's taste, popularity breaking ties", () => {
    const liked = [track({ z: [0, 0] }), track({ z: [2, 0] })]; // taste centroid (1, 0)
    const far = track({ z: [5, 5], popularity: 99 });
    const near = track({ z: [1, 0.1], popularity: 10 });
    const tieLow = track({ z: [1, 1], popularity: 20 });
    const tieHigh = track({ z: [1, -1], popularity: 80 });
    const ranked = rankCandidates([far, tieLow, near, tieHigh], liked, options);
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
});
