/**
 * The Web API under /v1: the endpoints the app uses (profile, liked songs, playlist
 * export and read-back) plus the removed ones, answered as Spotify answers them.
 */
import type { RequestContext, Route } from "./context";
import { isPlainObject, parseJsonBody, sendJson, sendSpotifyError, SpotifyApiError } from "./http";
import { SPOTIFY_ID_PATTERN } from "./random";
import { findRemovedEndpoint } from "./removed-endpoints";
import {
  renderCurrentUser,
  renderPage,
  renderPlaylist,
  renderPlaylistEntry,
  renderSavedTrack,
  renderSimplifiedPlaylist,
  type PageRequest,
} from "./spotify-objects";
import type { AccessTokenGrant, FakePlaylist, FakeUser } from "./state";

export const NOT_ALLOWLISTED_MESSAGE = "User not registered in the Developer Dashboard";
export const INSUFFICIENT_SCOPE_MESSAGE = "Insufficient client scope";
const MAX_URIS_PER_REQUEST = 100;
const MAX_OFFSET = 100_000;

interface Caller {
  user: FakeUser;
  grant: AccessTokenGrant;
}

function invalidToken(message: string): SpotifyApiError {
  return new SpotifyApiError(401, message, {
    "WWW-Authenticate": `Bearer realm="spotify", error="invalid_token", error_description="${message}"`,
  });
}

/** Bearer authentication, then the Development Mode user-list check. */
function authenticate(ctx: RequestContext): Caller {
  const header = ctx.req.headers.authorization;
  if (!header) throw new SpotifyApiError(401, "No token provided");
  if (!header.startsWith("Bearer ")) throw new SpotifyApiError(400, "Only valid bearer authentication supported");
  const grant = ctx.state.accessTokens.get(header.slice("Bearer ".length).trim());
  if (!grant) throw invalidToken("Invalid access token");
  if (grant.expiresAtMs <= ctx.state.nowMs()) throw invalidToken("The access token expired");
  const user = ctx.state.users.get(grant.userId);
  if (!user) throw invalidToken("Invalid access token");
  if (ctx.log) ctx.log.userId = user.id;
  // Spotify lets such a user authorize, then refuses every API call.
  if (user.notAllowlisted) throw new SpotifyApiError(403, NOT_ALLOWLISTED_MESSAGE);
  return { user, grant };
}

function hasScope(caller: Caller, scope: string): boolean {
  return caller.grant.scopes.includes(scope);
}

function requireScope(caller: Caller, scope: string): void {
  if (!hasScope(caller, scope)) throw new SpotifyApiError(403, INSUFFICIENT_SCOPE_MESSAGE);
}

function integerQuery(ctx: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new SpotifyApiError(400, `Invalid ${name}`);
  const value = Number(raw);
  if (value < min || value > max) throw new SpotifyApiError(400, `Invalid ${name}`);
  return value;
}

/** limit 1..50 (default 20) and offset 0..100,000 (default 0), as the spec's QueryLimit/QueryOffset. */
function pageRequest(ctx: RequestContext): PageRequest {
  return { limit: integerQuery(ctx, "limit", 20, 1, 50), offset: integerQuery(ctx, "offset", 0, 0, MAX_OFFSET) };
}

/** Validates `market` and returns it for the paging links. */
function marketQuery(ctx: RequestContext): Record<string, string> {
  const market = ctx.url.searchParams.get("market");
  if (market === null) return {};
  if (market !== "from_token" && !/^[A-Z]{2}$/.test(market)) throw new SpotifyApiError(400, "Invalid market code");
  return { market };
}

function findPlaylist(ctx: RequestContext): FakePlaylist {
  const id = ctx.params[0];
  if (!SPOTIFY_ID_PATTERN.test(id)) throw new SpotifyApiError(400, "Invalid base62 id");
  const playlist = ctx.state.playlists.get(id);
  if (!playlist) throw new SpotifyApiError(404, "Resource not found");
  return playlist;
}

function jsonObjectBody(ctx: RequestContext): Record<string, unknown> {
  const body = parseJsonBody(ctx.bodyText);
  if (body === undefined) return {};
  if (!isPlainObject(body)) throw new SpotifyApiError(400, "Error parsing json");
  return body;
}

// ---- handlers -----------------------------------------------------------------------

function getCurrentUser(ctx: RequestContext): void {
  const { user } = authenticate(ctx);
  sendJson(ctx.res, 200, renderCurrentUser(user, ctx.render));
}

function getSavedTracks(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  requireScope(caller, "user-library-read");
  const page = pageRequest(ctx);
  const market = marketQuery(ctx);
  sendJson(
    ctx.res,
    200,
    renderPage(`${ctx.render.apiBase}/me/tracks`, caller.user.savedTracks, page, (saved) => renderSavedTrack(saved, ctx.render), market),
  );
}

/** Without playlist-read-private only public playlists are listed, as on Spotify. */
function getMyPlaylists(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  const page = pageRequest(ctx);
  const visible = ctx.state
    .playlistsOwnedBy(caller.user.id)
    .filter((p) => p.public || hasScope(caller, "playlist-read-private"));
  sendJson(
    ctx.res,
    200,
    renderPage(`${ctx.render.apiBase}/me/playlists`, visible, page, (p) => renderSimplifiedPlaylist(p, caller.user, ctx.render)),
  );
}

function createPlaylist(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  const body = jsonObjectBody(ctx);
  if (typeof body.name !== "string" || body.name.trim() === "") {
    throw new SpotifyApiError(400, "Missing required field: name");
  }
  if (body.description !== undefined && typeof body.description !== "string") {
    throw new SpotifyApiError(400, "Invalid description");
  }
  if (body.public !== undefined && typeof body.public !== "boolean") throw new SpotifyApiError(400, "Invalid public value");
  if (body.collaborative !== undefined && typeof body.collaborative !== "boolean") {
    throw new SpotifyApiError(400, "Invalid collaborative value");
  }
  // `public` defaults to true: a client that wants a private playlist must say so.
  const isPublic = body.public ?? true;
  const collaborative = body.collaborative ?? false;
  if (collaborative && isPublic) throw new SpotifyApiError(400, "Collaborative playlists can only be private.");
  requireScope(caller, isPublic ? "playlist-modify-public" : "playlist-modify-private");
  if (collaborative) requireScope(caller, "playlist-modify-public");

  const playlist = ctx.state.createPlaylist({
    ownerId: caller.user.id,
    name: body.name,
    description: (body.description as string | undefined) ?? "",
    public: isPublic,
    collaborative,
  });
  sendJson(ctx.res, 201, renderPlaylist(playlist, caller.user, ctx.render, true, (id) => ctx.state.lookupTrack(id)), {
    Location: `${ctx.render.apiBase}/playlists/${playlist.id}`,
  });
}

/** Others see a public playlist's metadata (not its items); a private one does not exist for them. */
function getPlaylist(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  marketQuery(ctx);
  const playlist = findPlaylist(ctx);
  const isOwner = playlist.ownerId === caller.user.id;
  if (!isOwner && !playlist.public) throw new SpotifyApiError(404, "Resource not found");
  const owner = ctx.state.requireUser(playlist.ownerId);
  sendJson(ctx.res, 200, renderPlaylist(playlist, owner, ctx.render, isOwner, (id) => ctx.state.lookupTrack(id)));
}

/** Since 2026 only the owner (or a collaborator) may read a playlist's items. */
function getPlaylistItems(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  const page = pageRequest(ctx);
  const market = marketQuery(ctx);
  const playlist = findPlaylist(ctx);
  if (playlist.ownerId !== caller.user.id) throw new SpotifyApiError(403, "Forbidden");
  sendJson(
    ctx.res,
    200,
    renderPage(
      `${ctx.render.apiBase}/playlists/${playlist.id}/items`,
      playlist.entries,
      page,
      (entry) => renderPlaylistEntry(entry, ctx.state.lookupTrack(entry.trackId), ctx.render),
      market,
    ),
  );
}

const TRACK_URI = /^spotify:track:([0-9A-Za-z]{22})$/;

function addPlaylistItems(ctx: RequestContext): void {
  const caller = authenticate(ctx);
  const playlist = findPlaylist(ctx);
  if (playlist.ownerId !== caller.user.id) throw new SpotifyApiError(403, "Forbidden");
  requireScope(caller, playlist.public ? "playlist-modify-public" : "playlist-modify-private");

  const body = jsonObjectBody(ctx);
  // URIs in the query string win over the body, as documented.
  const queryUris = ctx.url.searchParams.get("uris");
  const uris: unknown = queryUris !== null ? queryUris.split(",").map((u) => u.trim()) : body.uris;
  if (!Array.isArray(uris) || uris.some((u) => typeof u !== "string")) {
    throw new SpotifyApiError(400, "Invalid uris: expected an array of Spotify URIs");
  }
  if (uris.length === 0) throw new SpotifyApiError(400, "No uris provided");
  if (uris.length > MAX_URIS_PER_REQUEST) {
    throw new SpotifyApiError(400, `You can add a maximum of ${MAX_URIS_PER_REQUEST} tracks per request.`);
  }
  const trackIds = (uris as string[]).map((uri) => {
    const match = TRACK_URI.exec(uri);
    if (!match) throw new SpotifyApiError(400, `Invalid track uri: ${uri}`);
    return match[1];
  });

  const queryPosition = ctx.url.searchParams.get("position");
  const position: unknown = queryPosition !== null ? Number(queryPosition) : body.position;
  if (position !== undefined && (!Number.isInteger(position) || (position as number) < 0 || (position as number) > playlist.entries.length)) {
    throw new SpotifyApiError(400, "Index out of bounds");
  }

  // Armed by /__control/fail-playlist-items-after: fail after N successes, to test resumable export.
  const injected = ctx.state.faults.takePlaylistItemsFailure();
  if (injected !== null) {
    if (ctx.log) ctx.log.fault = "fail-playlist-items-after";
    throw new SpotifyApiError(injected, "Server error.");
  }
  const snapshotId = ctx.state.addPlaylistItems(playlist, trackIds, caller.user.id, position as number | undefined);
  sendJson(ctx.res, 201, { snapshot_id: snapshotId });
}

/**
 * Endpoints removed for Development Mode apps answer like Spotify does. The token is
 * still checked first, so a bad token gives 401, not a hint that the path exists.
 */
export function handleRemovedEndpoint(ctx: RequestContext, pathWithoutPrefix: string): boolean {
  const removed = findRemovedEndpoint(ctx.method, pathWithoutPrefix);
  if (!removed) return false;
  authenticate(ctx);
  if (ctx.log) ctx.log.fault = "removed-endpoint";
  sendSpotifyError(ctx.res, removed.status, removed.message);
  return true;
}

const PLAYLIST = "([^/]+)";

export const webApiRoutes: Route[] = [
  { method: "GET", pattern: /^\/v1\/me$/, handle: getCurrentUser },
  { method: "GET", pattern: /^\/v1\/me\/tracks$/, handle: getSavedTracks },
  { method: "GET", pattern: /^\/v1\/me\/playlists$/, handle: getMyPlaylists },
  { method: "POST", pattern: /^\/v1\/me\/playlists$/, handle: createPlaylist },
  { method: "GET", pattern: new RegExp(`^/v1/playlists/${PLAYLIST}$`), handle: getPlaylist },
  { method: "GET", pattern: new RegExp(`^/v1/playlists/${PLAYLIST}/items$`), handle: getPlaylistItems },
  { method: "POST", pattern: new RegExp(`^/v1/playlists/${PLAYLIST}/items$`), handle: addPlaylistItems },
];
