// The playlist protocol: every named playlist of a real catalog (the TidyTuesday file) is a user
// whose first 70% (file order) are the liked songs and the rest are held out. Genres in that file
// come from the playlists a track was found in, so while a playlist is evaluated its own rows must
// not count: GenreView gives each playlist the genres the recommender may see. Pure.
import type { CatalogTrack } from "../catalog/types";

export const PLAYLIST_PROTOCOL = {
  /** Playlists with fewer distinct tracks are not users. */
  minTracks: 10,
  /** Share of a playlist's tracks (in file order) the recommender sees as liked. */
  likedShare: 0.7,
} as const;

export interface PlaylistUser {
  index: number;
  playlistId: string;
  name: string;
  /** The playlist's genre and subgenre, as the file gives them. */
  genre: string | null;
  subgenre: string | null;
  /** Track indices the recommender sees, in file order. */
  liked: number[];
  /** Track indices it must not see: what a good list should contain. */
  heldOut: number[];
  /** Seed for recommenders that draw at random for this user. */
  randomSeed: number;
}

/** Users of the protocol, in the order their playlists first appear in the file. */
export function playlistUsers(tracks: readonly CatalogTrack[], protocol = PLAYLIST_PROTOCOL): PlaylistUser[] {
  const byPlaylist = new Map<string, { name: string; genre: string | null; subgenre: string | null; rows: { line: number; track: number }[] }>();
  tracks.forEach((track, index) => {
    for (const membership of track.playlists) {
      let playlist = byPlaylist.get(membership.id);
      if (!playlist) {
        playlist = { name: membership.name, genre: membership.genre, subgenre: membership.subgenre, rows: [] };
        byPlaylist.set(membership.id, playlist);
      }
      playlist.rows.push({ line: membership.line, track: index });
    }
  });
  const users: PlaylistUser[] = [];
  const ordered = [...byPlaylist.entries()]
    .map(([id, playlist]) => ({ id, ...playlist, rows: playlist.rows.sort((a, b) => a.line - b.line) }))
    .sort((a, b) => a.rows[0].line - b.rows[0].line);
  for (const playlist of ordered) {
    if (playlist.name.trim() === "") continue;
    const members = [...new Set(playlist.rows.map((r) => r.track))];
    if (members.length < protocol.minTracks) continue;
    const likedCount = Math.round(members.length * protocol.likedShare);
    users.push({
      index: users.length,
      playlistId: playlist.id,
      name: playlist.name,
      genre: playlist.genre,
      subgenre: playlist.subgenre,
      liked: members.slice(0, likedCount),
      heldOut: members.slice(likedCount),
      randomSeed: 1_000 + users.length,
    });
  }
  return users;
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Genres the way the recommender may see them while one playlist is evaluated, and the labels the
 * lists are judged by. In a playlist file every genre comes from a playlist row, so a track's
 * genres without playlist P are those of its other playlists.
 */
export class GenreView {
  private readonly primaryArtist: readonly string[];
  private readonly tracksByArtist = new Map<string, number[]>();

  constructor(private readonly tracks: readonly CatalogTrack[]) {
    this.primaryArtist = tracks.map((t) => t.artists[0]);
    this.primaryArtist.forEach((artist, index) => {
      const list = this.tracksByArtist.get(artist);
      if (list) list.push(index);
      else this.tracksByArtist.set(artist, [index]);
    });
  }

  /** The track's genres from every playlist but `playlistId` (a track outside it keeps all of them). */
  genresWithout(index: number, playlistId: string): readonly string[] {
    const track = this.tracks[index];
    if (!track.playlists.some((p) => p.id === playlistId)) return track.genres;
    return byFrequency(track.playlists.filter((p) => p.id !== playlistId).map((p) => p.genre));
  }

  /**
   * The genres of the primary artist's tracks, without `playlistId`'s rows: what the app's seed
   * stores as a track's artist genres (used where a track has no genre of its own).
   */
  artistGenresWithout(index: number, playlistId: string): readonly string[] {
    // Like lib/catalog/genres.ts artistGenres: each of the artist's tracks counts each of its genres once.
    const genres = (this.tracksByArtist.get(this.primaryArtist[index]) ?? []).flatMap((other) => this.genresWithout(other, playlistId));
    return byFrequency(genres);
  }

  /** What the recommender sees for a track: its own genres, else its artist's, all without the playlist. */
  visibleGenres(index: number, playlistId: string): readonly string[] {
    const own = this.genresWithout(index, playlistId);
    return own.length ? own : this.artistGenresWithout(index, playlistId);
  }

  /** The genre most of the track's playlist rows give (a tie goes to the one that got there first); null without any. */
  majorityGenre(index: number): string | null {
    return majority(this.tracks[index].playlists.map((p) => p.genre));
  }

  majoritySubgenre(index: number): string | null {
    return majority(this.tracks[index].playlists.map((p) => p.subgenre));
  }
}

/** Distinct labels, the most frequent first (a tie keeps first-seen order). */
function byFrequency(labels: readonly (string | null)[]): readonly string[] {
  const counts = new Map<string, number>();
  for (const label of labels) if (label !== null) counts.set(label, (counts.get(label) ?? 0) + 1);
  if (counts.size === 0) return NONE;
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

function majority(labels: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const label of labels) {
    if (label === null) continue;
    const count = (counts.get(label) ?? 0) + 1;
    counts.set(label, count);
    if (count > bestCount) {
      best = label;
      bestCount = count;
    }
  }
  return best;
}
