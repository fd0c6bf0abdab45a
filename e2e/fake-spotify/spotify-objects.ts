/**
 * Renders the fake's state into Web API objects shaped as the OpenAPI spec describes
 * (TrackObject, SavedTrackObject, PlaylistObject, PagingObject, PrivateUserObject...).
 */
import type { LibraryTrack, SavedLibraryTrack } from "./library";
import { deterministicSpotifyId, hashString } from "./random";
import type { FakePlaylist, FakeUser, PlaylistEntry } from "./state";

export interface RenderContext {
  /** e.g. "http://127.0.0.1:4010/v1": every `href` and paging link starts with it. */
  apiBase: string;
  /** e.g. "http://127.0.0.1:4010": album art is served by the fake so the demo works offline. */
  origin: string;
}

const OPEN_SPOTIFY = "https://open.spotify.com";
const MARKETS = ["DE", "FR", "GB", "SE", "US"];

export function renderArtist(name: string, ctx: RenderContext) {
  const id = deterministicSpotifyId(`artist:${name}`);
  return {
    external_urls: { spotify: `${OPEN_SPOTIFY}/artist/${id}` },
    href: `${ctx.apiBase}/artists/${id}`,
    id,
    name,
    type: "artist" as const,
    uri: `spotify:artist:${id}`,
  };
}

function renderAlbum(track: LibraryTrack, ctx: RenderContext) {
  const albumName = track.albumName ?? track.name;
  const id = deterministicSpotifyId(`album:${albumName}:${track.artists[0]}`);
  const hash = hashString(id);
  const year = 1975 + (hash % 51);
  const month = String((hash % 12) + 1).padStart(2, "0");
  const day = String((hash % 28) + 1).padStart(2, "0");
  const isSingle = track.albumName === undefined;
  return {
    album_type: isSingle ? ("single" as const) : ("album" as const),
    total_tracks: isSingle ? 1 : 8 + (hash % 8),
    available_markets: MARKETS,
    external_urls: { spotify: `${OPEN_SPOTIFY}/album/${id}` },
    href: `${ctx.apiBase}/albums/${id}`,
    id,
    images: [640, 300, 64].map((size) => ({ url: `${ctx.origin}/images/${id}/${size}.svg`, height: size, width: size })),
    name: albumName,
    release_date: `${year}-${month}-${day}`,
    release_date_precision: "day" as const,
    type: "album" as const,
    uri: `spotify:album:${id}`,
    artists: track.artists.slice(0, 1).map((a) => renderArtist(a, ctx)),
  };
}

/** Spotify's local-file URI: spotify:local:artist:album:title:seconds, form-encoded ("+" for spaces). */
function localFileUri(track: LibraryTrack): string {
  const part = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);
  return `spotify:local:${part(track.artists[0] ?? "")}:${part(track.albumName ?? "")}:${part(track.name)}:${Math.round(track.durationMs / 1000)}`;
}

/**
 * A local file as Spotify really returns it: no catalog ids, null hrefs and album fields.
 * Several of these nulls are not allowed by the spec; ./openapi.ts lists them as known deviations.
 */
function renderLocalTrack(track: LibraryTrack) {
  return {
    album: {
      album_type: null,
      total_tracks: 0,
      available_markets: [],
      external_urls: {},
      href: null,
      id: null,
      images: [],
      name: track.albumName ?? "",
      release_date: null,
      release_date_precision: null,
      type: "album" as const,
      uri: null,
      artists: [],
    },
    artists: track.artists.map((name) => ({
      external_urls: {},
      href: null,
      id: null,
      name,
      type: "artist" as const,
      uri: null,
    })),
    available_markets: [],
    disc_number: 0,
    duration_ms: track.durationMs,
    explicit: false,
    external_ids: {},
    external_urls: {},
    href: null,
    id: null,
    is_local: true,
    name: track.name,
    preview_url: null,
    track_number: 0,
    type: "track" as const,
    uri: localFileUri(track),
  };
}

/** A full TrackObject. `popularity` is left out: removed for Development Mode apps (README). */
export function renderTrack(track: LibraryTrack, ctx: RenderContext) {
  if (track.isLocal || track.id === null) return renderLocalTrack(track);
  const id = track.id;
  const hash = hashString(id);
  const album = renderAlbum(track, ctx);
  return {
    album,
    artists: track.artists.map((a) => renderArtist(a, ctx)),
    available_markets: MARKETS,
    disc_number: 1,
    duration_ms: track.durationMs,
    explicit: track.explicit ?? false,
    external_ids: { isrc: track.isrc ?? `QZFAK${String(hash % 100).padStart(2, "0")}${String(hash % 100_000).padStart(5, "0")}` },
    external_urls: { spotify: `${OPEN_SPOTIFY}/track/${id}` },
    href: `${ctx.apiBase}/tracks/${id}`,
    id,
    is_local: false,
    name: track.name,
    preview_url: null,
    track_number: 1 + (hash % album.total_tracks),
    type: "track" as const,
    uri: `spotify:track:${id}`,
  };
}

export function renderSavedTrack(saved: SavedLibraryTrack, ctx: RenderContext) {
  return { added_at: saved.addedAt, track: renderTrack(saved.track, ctx) };
}

/**
 * GET /me. Since February 2026 Development Mode apps get no email, country, product or
 * followers; `account_id` is the stable id the spec recommends for account linking.
 */
export function renderCurrentUser(user: FakeUser, ctx: RenderContext) {
  return {
    account_id: deterministicSpotifyId(`account:${user.id}`).slice(0, 10),
    display_name: user.displayName,
    external_urls: { spotify: `${OPEN_SPOTIFY}/user/${user.id}` },
    href: `${ctx.apiBase}/users/${user.id}`,
    id: user.id,
    images: [],
    type: "user" as const,
    uri: `spotify:user:${user.id}`,
  };
}

function renderPlaylistUser(userId: string, ctx: RenderContext) {
  return {
    external_urls: { spotify: `${OPEN_SPOTIFY}/user/${userId}` },
    href: `${ctx.apiBase}/users/${userId}`,
    id: userId,
    type: "user" as const,
    uri: `spotify:user:${userId}`,
  };
}

export interface PageRequest {
  offset: number;
  limit: number;
}

/** A PagingObject whose links repeat the caller's other query parameters (e.g. market). */
export function renderPage<T>(
  endpoint: string,
  all: readonly T[],
  page: PageRequest,
  renderItem: (item: T) => unknown,
  extraQuery: Record<string, string> = {},
) {
  const link = (offset: number) => {
    const query = new URLSearchParams({ offset: String(offset), limit: String(page.limit), ...extraQuery });
    return `${endpoint}?${query.toString()}`;
  };
  const total = all.length;
  return {
    href: link(page.offset),
    items: all.slice(page.offset, page.offset + page.limit).map(renderItem),
    limit: page.limit,
    next: page.offset + page.limit < total ? link(page.offset + page.limit) : null,
    offset: page.offset,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : null,
    total,
  };
}

/** A PlaylistTrackObject; since 2026 the track is under `item` (the old `track` field is gone). */
export function renderPlaylistEntry(entry: PlaylistEntry, track: LibraryTrack, ctx: RenderContext) {
  return {
    added_at: entry.addedAt,
    added_by: renderPlaylistUser(entry.addedBy, ctx),
    is_local: false,
    item: renderTrack(track, ctx),
  };
}

function playlistBasics(playlist: FakePlaylist, owner: FakeUser, ctx: RenderContext) {
  return {
    collaborative: playlist.collaborative,
    description: playlist.description,
    external_urls: { spotify: `${OPEN_SPOTIFY}/playlist/${playlist.id}` },
    href: `${ctx.apiBase}/playlists/${playlist.id}`,
    id: playlist.id,
    images: [],
    name: playlist.name,
    owner: { ...renderPlaylistUser(owner.id, ctx), display_name: owner.displayName },
    public: playlist.public,
    snapshot_id: playlist.snapshotId,
    type: "playlist" as const,
    uri: `spotify:playlist:${playlist.id}`,
  };
}

/**
 * A full PlaylistObject. Its items (first 100, like Spotify) are only included for the
 * owner: since 2026 other users get the metadata without the contents.
 */
export function renderPlaylist(
  playlist: FakePlaylist,
  owner: FakeUser,
  ctx: RenderContext,
  includeItems: boolean,
  lookupTrack: (id: string) => LibraryTrack,
) {
  const basics = playlistBasics(playlist, owner, ctx);
  const items = includeItems
    ? renderPage(`${ctx.apiBase}/playlists/${playlist.id}/items`, playlist.entries, { offset: 0, limit: 100 }, (entry) =>
        renderPlaylistEntry(entry, lookupTrack(entry.trackId), ctx),
      )
    : undefined;
  return { ...basics, followers: { href: null, total: 0 }, ...(items ? { items } : {}) };
}

/** A SimplifiedPlaylistObject (for GET /me/playlists). */
export function renderSimplifiedPlaylist(playlist: FakePlaylist, owner: FakeUser, ctx: RenderContext) {
  return {
    ...playlistBasics(playlist, owner, ctx),
    items: { href: `${ctx.apiBase}/playlists/${playlist.id}/items`, total: playlist.entries.length },
  };
}

/** Placeholder album art, so pages render without reaching the real image CDN. */
export function renderAlbumArtSvg(albumId: string, size: number): string {
  const hue = hashString(albumId) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100"><rect width="100" height="100" fill="hsl(${hue},55%,45%)"/><circle cx="50" cy="50" r="28" fill="hsl(${(hue + 180) % 360},60%,70%)"/><circle cx="50" cy="50" r="5" fill="#111"/></svg>`;
}
