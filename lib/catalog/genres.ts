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
  return genreStatsOfColumns(tracks.map((t) => t.genres), tracks.map((t) => t.subgenres));
}

/** genreStats on tracks held as columns: each track's genres, and its subgenres. */
export function genreStatsOfColumns(
  genresByTrack: readonly (readonly string[])[],
  subgenresByTrack: readonly (readonly string[])[],
): GenreStats {
  const genres = new Set<string>();
  const subgenres = new Set<string>();
  let tracksWithoutGenre = 0;
  for (let i = 0; i < genresByTrack.length; i++) {
    if (genresByTrack[i].length === 0) tracksWithoutGenre++;
    for (const genre of genresByTrack[i]) genres.add(genre);
    for (const subgenre of subgenresByTrack[i]) subgenres.add(subgenre);
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
  return artistGenresOfColumns(tracks.map((t) => t.artists), tracks.map((t) => t.genres));
}

/** artistGenres on tracks held as columns: each track's artists, and its genres. */
export function artistGenresOfColumns(
  artistsByTrack: readonly (readonly string[])[],
  genresByTrack: readonly (readonly string[])[],
): readonly string[][] {
  const countsByArtist = new Map<string, Map<string, number>>();
  for (let i = 0; i < genresByTrack.length; i++) {
    const genres = genresByTrack[i];
    if (genres.length === 0) continue;
    const artist = artistsByTrack[i][0];
    let counts = countsByArtist.get(artist);
    if (!counts) countsByArtist.set(artist, (counts = new Map()));
    for (const genre of genres) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  }
  const ordered = new Map<string, string[]>();
  for (const [artist, counts] of countsByArtist) ordered.set(artist, [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!));
  return genresByTrack.map((genres, i) => (genres.length === 0 ? (ordered.get(artistsByTrack[i][0]) ?? NO_GENRES) : NO_GENRES));
}

const NO_GENRES: string[] = Object.freeze([]) as unknown as string[];
