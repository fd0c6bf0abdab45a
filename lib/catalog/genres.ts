// What genres a catalog and each of its clusters hold. Pure.

/** A genre (or subgenre) and the share of a cluster's tracks with any genre that have it. */
export type GenreShare = { genre: string; share: number };

export const TOP_GENRES = 5;

export interface GenreStats {
  distinctGenres: number;
  distinctSubgenres: number;
  tracksWithoutGenre: number;
}

export function genreStats(tracks: readonly { genres: readonly string[]; subgenres: readonly string[] }[]): GenreStats {
  const genres = new Set<string>();
  const subgenres = new Set<string>();
  let tracksWithoutGenre = 0;
  for (const track of tracks) {
    if (track.genres.length === 0) tracksWithoutGenre++;
    for (const genre of track.genres) genres.add(genre);
    for (const subgenre of track.subgenres) subgenres.add(subgenre);
  }
  return { distinctGenres: genres.size, distinctSubgenres: subgenres.size, tracksWithoutGenre };
}

/**
 * Each cluster's `top` most common labels (a track's `genres` or `subgenres`), most common first (ties by
 * name), with their share of the cluster's tracks that have any: a track with two genres counts for both.
 */
export function topLabelsByCluster(
  labelsOf: (index: number) => readonly string[],
  assignments: ArrayLike<number>,
  k: number,
  top = TOP_GENRES,
): GenreShare[][] {
  const counts = Array.from({ length: k }, () => new Map<string, number>());
  const labelled = new Array<number>(k).fill(0);
  for (let i = 0; i < assignments.length; i++) {
    const labels = labelsOf(i);
    if (labels.length === 0) continue;
    const cluster = assignments[i];
    labelled[cluster]++;
    for (const label of labels) counts[cluster].set(label, (counts[cluster].get(label) ?? 0) + 1);
  }
  return counts.map((count, cluster) =>
    [...count]
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, top)
      .map(([genre, n]) => ({ genre, share: n / labelled[cluster] })),
  );
}

/**
 * For each track without genres of its own, the genres of its primary artist's other tracks, most
 * common first (each track counts each of its genres once); an empty list for the others. In a
 * playlist catalog a song found only in an unlabelled playlist is still known by its artist's sound
 * scene, which ranking uses (lib/recommend/rank.ts).
 */
export function artistGenres(tracks: readonly { artists: readonly string[]; genres: readonly string[] }[]): readonly string[][] {
  const countsByArtist = new Map<string, Map<string, number>>();
  for (const track of tracks) {
    if (track.genres.length === 0) continue;
    let counts = countsByArtist.get(track.artists[0]);
    if (!counts) countsByArtist.set(track.artists[0], (counts = new Map()));
    for (const genre of track.genres) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  }
  const ordered = new Map<string, string[]>();
  for (const [artist, counts] of countsByArtist) ordered.set(artist, [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!));
  return tracks.map((track) => (track.genres.length === 0 ? (ordered.get(track.artists[0]) ?? NO_GENRES) : NO_GENRES));
}

const NO_GENRES: string[] = Object.freeze([]) as unknown as string[];
