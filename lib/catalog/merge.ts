// Merging rows that repeat one track (one row per playlist or per genre in several formats). Pure.
import type { CatalogTrack, PlaylistMembership } from "./types";

/** Compared between a track's rows: a repeat whose values differ from the first row's is a conflict. */
export const COMPARED_FIELDS = [
  "popularity", "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
  "instrumentalness", "liveness", "valence", "tempo",
] as const satisfies readonly (keyof CatalogTrack)[];

export type MergeableTrack = Pick<CatalogTrack, "id" | "genres" | "subgenres" | "playlists" | (typeof COMPARED_FIELDS)[number]>;

export type MergeOutcome = "new" | "merged" | "conflicting";

/**
 * `kept` plus what `extra` adds, in order, each once (`same` decides). Never mutates either list: a
 * list may be shared (the frozen empty one, an artist's genres), so an addition makes a new list.
 */
export function unionOf<T>(kept: T[], extra: readonly T[], same: (a: T, b: T) => boolean = Object.is): T[] {
  let union = kept;
  for (const item of extra) {
    if (union.some((present) => same(present, item))) continue;
    if (union === kept) union = [...kept];
    union.push(item);
  }
  return union;
}

export const samePlaylist = (a: PlaylistMembership, b: PlaylistMembership) => a.id === b.id;

/** Folds `repeat` into `kept` (first row wins for features and metadata); true when their features differ. */
export function mergeInto(kept: MergeableTrack, repeat: MergeableTrack): boolean {
  kept.genres = unionOf(kept.genres, repeat.genres);
  kept.subgenres = unionOf(kept.subgenres, repeat.subgenres);
  kept.playlists = unionOf(kept.playlists, repeat.playlists, samePlaylist);
  return COMPARED_FIELDS.some((field) => kept[field] !== repeat[field]);
}

/** Labels by how many of a track's rows gave them, most first; a tie keeps first-seen order. */
export function byRowCount(labels: string[], rowCounts: ReadonlyMap<string, number>): string[] {
  return labels.length < 2 ? labels : [...labels].sort((a, b) => (rowCounts.get(b) ?? 0) - (rowCounts.get(a) ?? 0));
}

export function countInto(counts: Map<string, number>, labels: readonly string[]): void {
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
}

/**
 * Collects tracks in file order, merging each repeat of an id into the track's first row. A merged
 * track's genres and subgenres come most frequent first (the genre most of its rows give leads:
 * ranking counts a track's main genre fully and the others half).
 */
export class TrackMerger<T extends MergeableTrack> {
  private tracksInOrder: T[] = [];
  private indexById = new Map<string, number>();
  /** Row counts per label of the tracks that were merged (only those: most tracks have one row). */
  private labelCounts = new Map<number, { genres: Map<string, number>; subgenres: Map<string, number> }>();
  rowsMerged = 0;
  /** Merged rows whose compared features differ from the first row's. */
  rowsConflicting = 0;

  add(track: T): MergeOutcome {
    const index = this.indexById.get(track.id);
    if (index === undefined) {
      this.indexById.set(track.id, this.tracksInOrder.length);
      this.tracksInOrder.push(track);
      return "new";
    }
    this.rowsMerged++;
    const kept = this.tracksInOrder[index];
    let counts = this.labelCounts.get(index);
    if (!counts) {
      counts = { genres: new Map(), subgenres: new Map() };
      countInto(counts.genres, kept.genres);
      countInto(counts.subgenres, kept.subgenres);
      this.labelCounts.set(index, counts);
    }
    countInto(counts.genres, track.genres);
    countInto(counts.subgenres, track.subgenres);
    if (!mergeInto(kept, track)) return "merged";
    this.rowsConflicting++;
    return "conflicting";
  }

  get size(): number {
    return this.tracksInOrder.length;
  }

  /** The merged tracks in order of first appearance; frees the id index (tens of MB on the full dataset). */
  finish(): T[] {
    for (const [index, counts] of this.labelCounts) {
      const track = this.tracksInOrder[index];
      track.genres = byRowCount(track.genres, counts.genres);
      track.subgenres = byRowCount(track.subgenres, counts.subgenres);
    }
    this.labelCounts = new Map();
    this.indexById = new Map();
    return this.tracksInOrder;
  }
}
