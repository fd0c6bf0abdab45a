/**
 * Test-only control endpoints under /__control (JSON in, JSON out, no auth: the fake
 * only listens on loopback). They are not written to the request log.
 */
import { z } from "zod";
import type { RequestContext, Route } from "./context";
import { parseJsonBody, sendJson, SpotifyApiError } from "./http";
import { renderPlaylistEntry } from "./spotify-objects";
import type { FakeSpotifyState } from "./state";

function body<T extends z.ZodType>(ctx: RequestContext, schema: T): z.output<T> {
  const parsed = schema.safeParse(parseJsonBody(ctx.bodyText) ?? {});
  if (!parsed.success) throw new SpotifyApiError(400, `Invalid control request: ${parsed.error.message}`);
  return parsed.data;
}

function userFromPath(ctx: RequestContext) {
  const user = ctx.state.users.get(decodeURIComponent(ctx.params[0]));
  if (!user) throw new SpotifyApiError(404, `Unknown fake user "${ctx.params[0]}"`);
  return user;
}

/** A user's playlists with their items in order, for asserting what an export produced. */
export function describePlaylists(state: FakeSpotifyState, userId: string) {
  return state.playlistsOwnedBy(userId).map((p) => ({
    id: p.id,
    name: p.name,
    description: p.description,
    public: p.public,
    collaborative: p.collaborative,
    snapshotId: p.snapshotId,
    uris: p.entries.map((e) => e.uri),
    items: p.entries.map((e) => ({ uri: e.uri, addedAt: e.addedAt, addedBy: e.addedBy })),
  }));
}

const savedTrackPatchSchema = z
  .object({
    id: z.string().nullable(),
    name: z.string(),
    artists: z.array(z.string()).min(1),
    durationMs: z.number().int().nonnegative(),
    addedAt: z.string(),
    isLocal: z.boolean(),
    album: z.string(),
    explicit: z.boolean(),
    isrc: z.string(),
  })
  .partial();

export const controlRoutes: Route[] = [
  {
    method: "POST",
    pattern: /^\/__control\/reset$/,
    handle(ctx) {
      ctx.state.reset();
      sendJson(ctx.res, 200, { ok: true });
    },
  },
  {
    method: "GET",
    pattern: /^\/__control\/faults$/,
    handle(ctx) {
      sendJson(ctx.res, 200, ctx.state.faults.settings);
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/faults$/,
    handle(ctx) {
      try {
        sendJson(ctx.res, 200, ctx.state.faults.update(parseJsonBody(ctx.bodyText) ?? {}));
      } catch (error) {
        if (error instanceof z.ZodError) throw new SpotifyApiError(400, `Invalid faults: ${error.message}`);
        throw error;
      }
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/fail-playlist-items-after$/,
    handle(ctx) {
      const { count, status } = body(ctx, z.object({ count: z.number().int().min(0), status: z.number().int().min(400).max(599).default(500) }));
      ctx.state.faults.armPlaylistItemsFailure(count, status);
      sendJson(ctx.res, 200, { ok: true, count, status });
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/expire-tokens$/,
    handle(ctx) {
      sendJson(ctx.res, 200, { expired: ctx.state.expireAllAccessTokens() });
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/revoke-refresh-tokens$/,
    handle(ctx) {
      const { userId } = body(ctx, z.object({ userId: z.string().optional() }));
      sendJson(ctx.res, 200, { revoked: ctx.state.revokeRefreshTokens(userId) });
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/advance-clock$/,
    handle(ctx) {
      const { seconds } = body(ctx, z.object({ seconds: z.number() }));
      ctx.state.clockOffsetMs += seconds * 1000;
      sendJson(ctx.res, 200, { now: new Date(ctx.state.nowMs()).toISOString() });
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/auto-approve$/,
    handle(ctx) {
      const { userId } = body(ctx, z.object({ userId: z.string().nullable() }));
      if (userId !== null && !ctx.state.users.has(userId)) throw new SpotifyApiError(404, `Unknown fake user "${userId}"`);
      ctx.state.autoApproveUserId = userId;
      sendJson(ctx.res, 200, { autoApproveUserId: userId });
    },
  },
  {
    // Tokens without the browser flow, for API-level tests.
    method: "POST",
    pattern: /^\/__control\/tokens$/,
    handle(ctx) {
      const input = body(
        ctx,
        z.object({
          userId: z.string(),
          scopes: z.array(z.string()).default(["user-library-read", "playlist-modify-private"]),
          clientId: z.string().optional(),
        }),
      );
      if (!ctx.state.users.has(input.userId)) throw new SpotifyApiError(404, `Unknown fake user "${input.userId}"`);
      const clientId = input.clientId ?? ctx.state.options.clients[0].clientId;
      const { accessToken, refreshToken } = ctx.state.issueTokens(clientId, input.userId, input.scopes);
      sendJson(ctx.res, 200, {
        access_token: accessToken.token,
        token_type: "Bearer",
        scope: input.scopes.join(" "),
        expires_in: ctx.state.options.accessTokenLifetimeSeconds,
        refresh_token: refreshToken.token,
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/__control\/users$/,
    handle(ctx) {
      sendJson(
        ctx.res,
        200,
        [...ctx.state.users.values()].map((u) => ({
          id: u.id,
          displayName: u.displayName,
          notAllowlisted: u.notAllowlisted,
          savedTrackCount: u.savedTracks.length,
        })),
      );
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/users\/([^/]+)\/saved-tracks$/,
    handle(ctx) {
      const user = userFromPath(ctx);
      const input = body(
        ctx,
        z.object({ tracks: z.array(savedTrackPatchSchema).optional(), count: z.number().int().min(1).max(100_000).optional() }),
      );
      const tracks = input.tracks ?? Array.from({ length: input.count ?? 1 }, () => ({}));
      try {
        const added = ctx.state.prependSavedTracks(user.id, tracks);
        sendJson(ctx.res, 200, { added, total: user.savedTracks.length });
      } catch (error) {
        throw new SpotifyApiError(400, error instanceof Error ? error.message : String(error));
      }
    },
  },
  {
    method: "POST",
    pattern: /^\/__control\/users\/([^/]+)\/saved-tracks\/remove$/,
    handle(ctx) {
      const user = userFromPath(ctx);
      const { ids } = body(ctx, z.object({ ids: z.array(z.string()) }));
      sendJson(ctx.res, 200, { removed: ctx.state.removeSavedTracks(user.id, ids), total: user.savedTracks.length });
    },
  },
  {
    method: "GET",
    pattern: /^\/__control\/users\/([^/]+)\/playlists$/,
    handle(ctx) {
      const user = userFromPath(ctx);
      sendJson(ctx.res, 200, describePlaylists(ctx.state, user.id));
    },
  },
  {
    // The full Web API rendering of one playlist's items, regardless of who owns it.
    method: "GET",
    pattern: /^\/__control\/playlists\/([^/]+)\/items$/,
    handle(ctx) {
      const playlist = ctx.state.playlists.get(ctx.params[0]);
      if (!playlist) throw new SpotifyApiError(404, "Resource not found");
      sendJson(
        ctx.res,
        200,
        playlist.entries.map((e) => renderPlaylistEntry(e, ctx.state.lookupTrack(e.trackId), ctx.render)),
      );
    },
  },
  {
    method: "GET",
    pattern: /^\/__control\/requests$/,
    handle(ctx) {
      sendJson(ctx.res, 200, ctx.state.requestLog);
    },
  },
  {
    method: "DELETE",
    pattern: /^\/__control\/requests$/,
    handle(ctx) {
      ctx.state.requestLog = [];
      sendJson(ctx.res, 200, { ok: true });
    },
  },
];
