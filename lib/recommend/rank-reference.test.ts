// rankCandidates was rewritten for speed (issue 10: scores in plain arrays, a lazy heap instead of
// a full sort, artist keys worked out ahead). Its answers must not change: here it is compared, on
// random catalogs, users and options, with the implementation it replaced, kept below verbatim.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { squaredDistance } from "../clustering/kmeans";
import {
  artistKey, candidateTable, CandidateVocabulary, DEFAULT_WEIGHTS, rankCandidates, rankTables, SOUND_ONLY_WEIGHTS, tasteSignals,
  type RankOptions, type RankWeights, type Recommendation, type TasteSignals,
} from "./rank";
import { centroidOf, type RecTrack } from "./taste";

// ---- The previous implementation (lib/recommend/rank.ts at 06c6ad7), unchanged but for names. ----
interface Scored {
  track: RecTrack;
  score: number;
  distance: number;
  sharedGenre: Recommendation["sharedGenre"];
  likedArtist: Recommendation["likedArtist"];
}

function referenceScore(track: RecTrack, taste: number[] | null, signals: TasteSignals | undefined, weights: RankWeights): Scored {
  const distance = taste ? Math.sqrt(squaredDistance(track.z, taste)) : 0;
  let sharedGenre: Scored["sharedGenre"] = null;
  let genreAffinity = 0;
  let likedArtist: Scored["likedArtist"] = null;
  if (signals) {
    for (const [position, genre] of track.genres.entries()) {
      const share = signals.genres.get(genre) ?? 0;
      const affinity = share * (position === 0 ? 1 : 0.5);
      if (affinity > genreAffinity) {
        genreAffinity = affinity;
        sharedGenre = { genre, share };
      }
    }
    const keys = track.artists.map(artistKey);
    for (let a = 0; a < keys.length; a++) {
      const likedSongs = signals.artists.get(keys[a]) ?? 0;
      if (likedSongs > 0 && likedSongs > (likedArtist?.likedSongs ?? 0)) likedArtist = { name: track.artists[a], likedSongs };
    }
  }
  const score =
    -weights.sound * distance +
    weights.genre * genreAffinity +
    weights.artist * (1 - 0.5 ** (likedArtist?.likedSongs ?? 0)) +
    weights.popularity * (track.popularity / 100);
  return { track, score, distance, sharedGenre, likedArtist };
}

function referenceRank(candidates: readonly RecTrack[], liked: readonly RecTrack[], options: RankOptions): Recommendation[] {
  if (options.limit <= 0) return [];
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const likedIds = new Set([...(options.excludeIds ?? []), ...liked.map((t) => t.id)]);
  const seenSongs = new Set([...(options.excludeSongs ?? []), ...liked.map((t) => t.matchKey)]);
  const taste = liked.length ? centroidOf(liked.map((t) => t.z)) : null;
  const scored = candidates
    .filter((t) => !likedIds.has(t.id) && (options.allowExplicit || t.explicit !== true))
    .filter((t) => !options.excludeArtists?.size || !t.artists.map(artistKey).some((a) => options.excludeArtists!.has(a)))
    .map((track) => referenceScore(track, taste, options.signals, weights))
    .sort((a, b) => b.score - a.score || b.track.popularity - a.track.popularity || (a.track.id < b.track.id ? -1 : 1));
  const perArtist = new Map<string, number>();
  const picked: Recommendation[] = [];
  for (const { track, ...why } of scored) {
    if (picked.length >= options.limit) break;
    if (seenSongs.has(track.matchKey)) continue;
    const primary = artistKey(track.primaryArtist);
    const byArtist = perArtist.get(primary) ?? 0;
    if (byArtist >= options.maxPerArtist) continue;
    perArtist.set(primary, byArtist + 1);
    seenSongs.add(track.matchKey);
    let best: RecTrack | null = null;
    let bestDistance = Infinity;
    for (const candidate of liked) {
      const distance = squaredDistance(track.z, candidate.z);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    picked.push({ track, ...why, becauseOf: best && { id: best.id, name: best.name, primaryArtist: best.primaryArtist } });
  }
  return picked;
}
// ---- end of the previous implementation ----

// Few distinct values, so that ties in score and popularity, shared artists (in any case) and
// shared songs (match keys) are common.
const ARTISTS = ["Ana", "ANA", "Bo", "Cy", "Dee", "Éla"];
const GENRES = ["pop", "rap", "rock", "jazz"];

const trackArb = (index: number) =>
  fc.record({
    artists: fc.array(fc.constantFrom(...ARTISTS), { minLength: 1, maxLength: 3 }),
    popularity: fc.integer({ min: 0, max: 3 }).map((p) => p * 25),
    explicit: fc.constantFrom(true, false, null),
    genres: fc.uniqueArray(fc.constantFrom(...GENRES), { maxLength: 3 }),
    song: fc.integer({ min: 0, max: 15 }),
    z: fc.array(fc.integer({ min: -2, max: 2 }).map((v) => v / 2), { minLength: 3, maxLength: 3 }),
  }).map(({ artists, song, ...rest }): RecTrack => ({
    id: `t${String(index).padStart(4, "0")}`, name: `Song ${song}`, artists, primaryArtist: artists[0],
    releaseYear: null, clusterId: 0, matchKey: `song ${song}|${artists[0].toLowerCase()}`, ...rest,
  }));

/** Up to `max` tracks with ids from `from` on (ids are unique, as in the catalog). */
const tracksArb = (from: number, max: number): fc.Arbitrary<RecTrack[]> =>
  fc.integer({ min: 0, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => trackArb(from + i))));

describe("rankCandidates", () => {
  it("answers exactly as the implementation it replaced: same songs, order, scores and reasons", () => {
    fc.assert(
      fc.property(
        tracksArb(0, 40),
        tracksArb(1_000, 6),
        fc.record({
          limit: fc.integer({ min: 0, max: 12 }),
          maxPerArtist: fc.integer({ min: 1, max: 3 }),
          allowExplicit: fc.boolean(),
          weights: fc.constantFrom(DEFAULT_WEIGHTS, SOUND_ONLY_WEIGHTS, undefined),
          withSignals: fc.boolean(),
          excludeArtists: fc.uniqueArray(fc.constantFrom(...ARTISTS.map(artistKey)), { maxLength: 2 }),
          excludeCount: fc.integer({ min: 0, max: 3 }),
          precomputedKeys: fc.boolean(),
        }),
        (candidates, liked, o) => {
          const options: RankOptions = {
            limit: o.limit, maxPerArtist: o.maxPerArtist, allowExplicit: o.allowExplicit, weights: o.weights,
            signals: o.withSignals ? tasteSignals(liked) : undefined,
            excludeArtists: new Set(o.excludeArtists),
            excludeIds: new Set(candidates.slice(0, o.excludeCount).map((t) => t.id)),
            excludeSongs: new Set(candidates.slice(-o.excludeCount || candidates.length).map((t) => t.matchKey)),
          };
          // Candidate pools carry their artist keys; other callers' tracks do not.
          const given = o.precomputedKeys ? candidates.map((t) => ({ ...t, artistKeys: t.artists.map(artistKey) })) : candidates;
          const expected = referenceRank(given, liked, options);
          expect(rankCandidates(given, liked, options)).toEqual(expected);
        },
      ),
      { numRuns: 400, seed: 10 },
    );
  });
});

describe("rankTables, as the service calls it", () => {
  it("ranks a pool cut at a floor plus an artist's songs less those in the pool exactly as rankCandidates ranks their union, request after request on one vocabulary", () => {
    // One vocabulary for every run, as one catalog version has: its ids and scratch arrays are
    // reused, so a ranking that left them dirty, or a skip mask applied wrongly, shows up here.
    const vocabulary = new CandidateVocabulary();
    const byPopularity = (a: RecTrack, b: RecTrack) => b.popularity - a.popularity || (a.id < b.id ? -1 : 1);
    fc.assert(
      fc.property(
        tracksArb(0, 30),
        tracksArb(500, 12),
        tracksArb(1_000, 6),
        fc.record({
          floor: fc.constantFrom(0, 25, 50),
          poolSize: fc.integer({ min: 0, max: 30 }),
          shared: fc.integer({ min: 0, max: 4 }),
          limit: fc.integer({ min: 0, max: 12 }),
          maxPerArtist: fc.integer({ min: 1, max: 3 }),
          allowExplicit: fc.boolean(),
          withSignals: fc.boolean(),
          excludeArtists: fc.uniqueArray(fc.constantFrom(...ARTISTS.map(artistKey)), { maxLength: 2 }),
        }),
        (cluster, more, liked, o) => {
          const withKeys = (t: RecTrack) => ({ ...t, artistKeys: t.artists.map(artistKey) });
          const poolTracks = [...cluster].sort(byPopularity).map(withKeys);
          // An artist's songs: some of the pool's (the overlap the mask removes) and some of its own.
          const artistTracks = [...poolTracks.slice(0, o.shared), ...more.map(withKeys)].sort(byPopularity);
          const pool = candidateTable(poolTracks, vocabulary);
          const artist = candidateTable(artistTracks, vocabulary);
          const poolView = pool.prefix(o.poolSize);
          const poolAbove = poolView.prefix(poolView.rowsAbove(o.floor));
          const inPool = new Set(poolTracks.slice(0, poolAbove.length).map((t) => t.id));
          const mask = Uint8Array.from(artistTracks, (t) => (inPool.has(t.id) ? 1 : 0));
          const artistAbove = artist.prefix(artist.rowsAbove(o.floor), mask);

          const options: RankOptions = {
            limit: o.limit, maxPerArtist: o.maxPerArtist, allowExplicit: o.allowExplicit,
            signals: o.withSignals ? tasteSignals(liked) : undefined, excludeArtists: new Set(o.excludeArtists),
          };
          const union = [
            ...poolTracks.slice(0, poolAbove.length),
            ...artistTracks.filter((t, row) => row < artistAbove.length && !inPool.has(t.id)),
          ];
          expect(rankTables([poolAbove, artistAbove], vocabulary, liked, options)).toEqual(rankCandidates(union, liked, options));
        },
      ),
      { numRuns: 400, seed: 11 },
    );
  });
});
