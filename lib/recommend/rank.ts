import { squaredDistance } from "../clustering/kmeans";
import { centroidOf, type RecTrack } from "./taste";

export interface RankOptions {
  limit: number;
  /** At most this many songs by one primary artist. */
  maxPerArtist: number;
  allowExplicit: boolean;
  /** Songs never to recommend (all the user's liked songs, songs already picked elsewhere). */
  excludeIds?: ReadonlySet<string>;
  excludeSongs?: ReadonlySet<string>;
}

export interface Recommendation {
  track: RecTrack;
  /** Distance to the user's taste in the standardized space (smaller is closer). */
  distance: number;
  /** The liked song this one is closest to: "why this song". */
  becauseOf: { id: string; name: string; primaryArtist: string } | null;
}

/**
 * Ranks `candidates` (already from the right cluster and above the popularity
 * floor) by closeness to the centroid of `liked` (the user's songs in that
 * cluster), popularity breaking ties. Drops songs the user already likes (by id
 * or by normalized title + artist), other versions of a song already picked,
 * explicit songs when not allowed, and artists past their cap.
 */
export function rankCandidates(candidates: readonly RecTrack[], liked: readonly RecTrack[], options: RankOptions): Recommendation[] {
  if (options.limit <= 0) return [];
  const likedIds = new Set([...(options.excludeIds ?? []), ...liked.map((t) => t.id)]);
  const seenSongs = new Set([...(options.excludeSongs ?? []), ...liked.map((t) => t.matchKey)]);
  const taste = liked.length ? centroidOf(liked.map((t) => t.z)) : null;

  const scored = candidates
    .filter((t) => !likedIds.has(t.id) && (options.allowExplicit || !t.explicit))
    .map((track) => ({ track, distance: taste ? Math.sqrt(squaredDistance(track.z, taste)) : 0 }))
    .sort((a, b) => a.distance - b.distance || b.track.popularity - a.track.popularity || (a.track.id < b.track.id ? -1 : 1));

  const perArtist = new Map<string, number>();
  const picked: Recommendation[] = [];
  for (const { track, distance } of scored) {
    if (picked.length >= options.limit) break;
    if (seenSongs.has(track.matchKey)) continue;
    const artistKey = track.primaryArtist.toLocaleLowerCase();
    const byArtist = perArtist.get(artistKey) ?? 0;
    if (byArtist >= options.maxPerArtist) continue;
    perArtist.set(artistKey, byArtist + 1);
    seenSongs.add(track.matchKey);
    picked.push({ track, distance, becauseOf: closestLiked(track, liked) });
  }
  return picked;
}

function closestLiked(track: RecTrack, liked: readonly RecTrack[]): Recommendation["becauseOf"] {
  let best: RecTrack | null = null;
  let bestDistance = Infinity;
  for (const candidate of liked) {
    const distance = squaredDistance(track.z, candidate.z);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best && { id: best.id, name: best.name, primaryArtist: best.primaryArtist };
}

/**
 * Popularity floors to try in turn when too few songs pass the requested one:
 * the requested floor, then 10 lower each time, down to 0.
 */
export function popularityFloors(requested: number): number[] {
  const floors = [requested];
  for (let floor = Math.floor((requested - 1) / 10) * 10; floor >= 0 && requested > 0; floor -= 10) floors.push(floor);
  return floors;
}
