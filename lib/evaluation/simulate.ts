// Simulated users: a seed artist, a genre of theirs, a few artists sharing that genre, and a
// sample of those artists' tracks as liked songs, 20% of them held out as the test set. Pure.
import { seededRandom } from "../random";
import type { EvalCatalog } from "./catalog";

export interface SimulationOptions {
  users: number;
  seed: number;
  /** Liked songs per user before the hold-out, inclusive range. */
  likedSize?: readonly [min: number, max: number];
  /** Share of each user's songs held out as the test set (at least one song). */
  heldOutShare?: number;
  /** Related artists drawn at first, inclusive range; more are added while the pool is too small. */
  relatedArtists?: readonly [min: number, max: number];
  /** A seed artist needs this many tracks as primary artist (and a genre, when genres are known). */
  minSeedTracks?: number;
  /** A related artist needs this many tracks as primary artist. */
  minRelatedTracks?: number;
}

export const DEFAULT_SIMULATION = {
  likedSize: [20, 60],
  heldOutShare: 0.2,
  relatedArtists: [2, 4],
  minSeedTracks: 8,
  minRelatedTracks: 3,
} as const satisfies Omit<Required<SimulationOptions>, "users" | "seed">;

/** Draws of seed artists that may fail (too few related tracks) before giving up on a user. */
const ATTEMPTS_PER_USER = 50;

export interface SimUser {
  index: number;
  /** Primary-artist id the user was built around. */
  seedArtist: string;
  /** The genre shared by the user's artists; null when genres are unknown (related = co-credited). */
  genre: string | null;
  /** Artist ids whose tracks made the user's pool: the seed artist first. */
  artists: string[];
  /** Track indices the recommenders see, "most recent first" (the order breaks cluster ties). */
  liked: number[];
  /** Track indices hidden from the recommenders: what a good list should contain. */
  heldOut: number[];
  /** Seed for recommenders that draw at random for this user (the random baseline). */
  randomSeed: number;
}

type Random = () => number;

function integer(random: Random, [min, max]: readonly [number, number]): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Up to `count` items in random order, without replacement (partial Fisher–Yates on a copy). */
export function sampleItems<T>(random: Random, items: readonly T[], count: number): T[] {
  const copy = items.slice();
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

/** Who may be related to whom: artists sharing a genre, or (without genres) credited on a track together. */
function relatedIndex(catalog: EvalCatalog, minTracks: number): Map<string, string[]> {
  const eligible = (artistId: string) => (catalog.tracksByArtist.get(artistId)?.length ?? 0) >= minTracks;
  const index = new Map<string, Set<string>>();
  const add = (key: string, artistId: string) => {
    const set = index.get(key);
    if (set) set.add(artistId);
    else index.set(key, new Set([artistId]));
  };
  if (catalog.hasGenres) {
    for (const artistId of catalog.tracksByArtist.keys()) {
      if (eligible(artistId)) for (const genre of catalog.artistGenres(artistId)) add(genre, artistId);
    }
  } else {
    for (const t of catalog.tracks) {
      const credited = t.idArtists ?? t.artists; // names stand in for ids in formats without them
      for (const a of credited) for (const b of credited) if (a !== b && eligible(b)) add(a, b);
    }
  }
  return new Map([...index].map(([key, artists]) => [key, [...artists]]));
}

/**
 * Builds `users` simulated users from one seeded PRNG stream, in order, so the first n users are
 * the same whatever the total. Returns fewer users only when the catalog cannot supply them.
 */
export function simulateUsers(catalog: EvalCatalog, options: SimulationOptions): SimUser[] {
  const settings = { ...DEFAULT_SIMULATION, ...options };
  const random = seededRandom(options.seed);
  const seedArtists = [...catalog.tracksByArtist]
    .filter(([artistId, tracks]) => tracks.length >= settings.minSeedTracks && (!catalog.hasGenres || catalog.artistGenres(artistId).length > 0))
    .map(([artistId]) => artistId);
  if (seedArtists.length === 0) {
    throw new Error(`no artist has ${settings.minSeedTracks} tracks${catalog.hasGenres ? " and a genre" : ""}: cannot simulate users`);
  }
  const related = relatedIndex(catalog, settings.minRelatedTracks);

  const users: SimUser[] = [];
  for (let attempt = 0; users.length < options.users && attempt < options.users * ATTEMPTS_PER_USER; attempt++) {
    const seedArtist = seedArtists[Math.floor(random() * seedArtists.length)];
    const genres = catalog.artistGenres(seedArtist);
    const genre = catalog.hasGenres ? genres[Math.floor(random() * genres.length)] : null;
    const others = (related.get(genre ?? seedArtist) ?? []).filter((a) => a !== seedArtist);
    const target = integer(random, settings.likedSize);

    // The seed artist and a few related ones; more while their tracks are fewer than the target.
    const order = sampleItems(random, others, others.length);
    const artists = [seedArtist];
    let poolSize = catalog.tracksByArtist.get(seedArtist)!.length;
    const wanted = integer(random, settings.relatedArtists);
    for (const artistId of order) {
      if (artists.length > wanted && poolSize >= target) break;
      artists.push(artistId);
      poolSize += catalog.tracksByArtist.get(artistId)!.length;
    }
    if (poolSize < settings.likedSize[0]) continue;

    const pool = artists.flatMap((a) => catalog.tracksByArtist.get(a)!);
    const songs = sampleItems(random, pool, target);
    const heldOutCount = Math.max(1, Math.round(songs.length * settings.heldOutShare));
    users.push({
      index: users.length,
      seedArtist,
      genre,
      artists,
      liked: songs.slice(0, songs.length - heldOutCount),
      heldOut: songs.slice(songs.length - heldOutCount),
      randomSeed: Math.floor(random() * 2 ** 32),
    });
  }
  return users;
}
