/**
 * In-memory state of the fake Spotify: apps (clients), users and their liked songs,
 * playlists, authorization codes and tokens, faults and the request log.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FaultInjector, type FaultSettingsInput } from "./faults";
import {
  readLibraryFile,
  resizeLibrary,
  sortNewestFirst,
  syntheticTrack,
  toSavedLibraryTrack,
  toSpotifyTimestamp,
  type LibraryTrack,
  type SavedLibraryTrack,
  type SavedTrackInput,
} from "./library";
import { base62String, hashString, opaqueToken, seededRandom, type RandomSource } from "./random";

export interface FakeClient {
  clientId: string;
  clientSecret: string;
  /** Shown on the consent page. */
  appName: string;
  /** When set, redirect_uri must be one of these exactly (like the dashboard's list). */
  redirectUris?: string[];
}

export interface UserSeed {
  id: string;
  displayName: string;
  /** Development Mode: the user is not on the app's user list, so API calls answer 403. */
  notAllowlisted?: boolean;
  savedTracks: SavedTrackInput[];
  /** Pad or trim this user's library to exactly N saved tracks. */
  librarySize?: number;
}

export interface FakeSpotifyOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  clients?: FakeClient[];
  /** Replaces the default users (demo, other, unlisted). The first one is the consent page's default. */
  users?: UserSeed[];
  /** Library file for the demo user (shape of prisma/sample/demo-user.json). */
  libraryPath?: string;
  /** Pad or trim the demo user's library to exactly N saved tracks. */
  librarySize?: number;
  /** `expires_in` of access tokens (default 3600). */
  accessTokenLifetimeSeconds?: number;
  /** Refresh tokens die this long after the first authorization; refreshing does not extend it (default 182 days). */
  refreshTokenLifetimeSeconds?: number;
  authorizationCodeLifetimeSeconds?: number;
  /** On refresh, return a new refresh token and invalidate the old one (default true). */
  rotateRefreshTokens?: boolean;
  /** Seed for fault decisions and generated ids (default 1). */
  seed?: number;
  faults?: FaultSettingsInput;
  /** Skip the consent page and approve as this user, like Spotify for an app the user already approved. */
  autoApproveUserId?: string | null;
  /** How long a request picked by `timeoutRate` hangs before its socket is destroyed (default 30 s). */
  timeoutHangMs?: number;
}

export interface ResolvedOptions {
  clients: FakeClient[];
  users: UserSeed[];
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  authorizationCodeLifetimeSeconds: number;
  rotateRefreshTokens: boolean;
  seed: number;
  faults: FaultSettingsInput;
  autoApproveUserId: string | null;
  timeoutHangMs: number;
}

export const DEFAULT_CLIENT: FakeClient = {
  clientId: "fake-client-id",
  clientSecret: "fake-client-secret",
  appName: "Taste Clusters",
};

export const FIXTURES_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

function fixtureUser(fileName: string, extra: Partial<UserSeed> = {}): UserSeed {
  const file = readLibraryFile(`${FIXTURES_DIR}${fileName}`);
  return { id: file.userId, displayName: file.displayName, savedTracks: file.savedTracks, ...extra };
}

/** demo (from `libraryPath` or the fixture), other, and unlisted (not on the app's user list). */
export function defaultUserSeeds(libraryPath?: string, librarySize?: number): UserSeed[] {
  const demoFile = libraryPath ? readLibraryFile(libraryPath) : null;
  const demo: UserSeed = demoFile
    ? { id: demoFile.userId, displayName: demoFile.displayName, savedTracks: demoFile.savedTracks }
    : fixtureUser("demo-user.json");
  if (librarySize !== undefined) demo.librarySize = librarySize;
  return [demo, fixtureUser("other-user.json"), fixtureUser("unlisted-user.json", { notAllowlisted: true })];
}

/** The teammate-generated sample library, when it exists. */
export const SAMPLE_LIBRARY_PATH = fileURLToPath(new URL("../../prisma/sample/demo-user.json", import.meta.url));

export function sampleLibraryPathIfPresent(): string | undefined {
  return existsSync(SAMPLE_LIBRARY_PATH) ? SAMPLE_LIBRARY_PATH : undefined;
}

export function resolveOptions(options: FakeSpotifyOptions): ResolvedOptions {
  const users = options.users ?? defaultUserSeeds(options.libraryPath, options.librarySize);
  if (users.length === 0) throw new Error("The fake Spotify needs at least one user");
  if (options.users && options.librarySize !== undefined) users[0] = { ...users[0], librarySize: options.librarySize };
  return {
    clients: options.clients ?? [DEFAULT_CLIENT],
    users,
    accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds ?? 3600,
    refreshTokenLifetimeSeconds: options.refreshTokenLifetimeSeconds ?? 182 * 24 * 3600,
    authorizationCodeLifetimeSeconds: options.authorizationCodeLifetimeSeconds ?? 600,
    rotateRefreshTokens: options.rotateRefreshTokens ?? true,
    seed: options.seed ?? 1,
    faults: options.faults ?? {},
    autoApproveUserId: options.autoApproveUserId ?? null,
    timeoutHangMs: options.timeoutHangMs ?? 30_000,
  };
}

export interface FakeUser {
  id: string;
  displayName: string;
  notAllowlisted: boolean;
  /** Newest first, as /me/tracks lists them. */
  savedTracks: SavedLibraryTrack[];
}

export interface PlaylistEntry {
  uri: string;
  trackId: string;
  addedAt: string;
  addedBy: string;
}

export interface FakePlaylist {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  public: boolean;
  collaborative: boolean;
  version: number;
  snapshotId: string;
  createdAtMs: number;
  entries: PlaylistEntry[];
}

export interface AuthorizationCodeGrant {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  expiresAtMs: number;
  used: boolean;
  codeChallenge?: string;
  /** Refresh tokens issued for this code; revoked if the code is replayed (RFC 6749 §4.1.2). */
  issuedRefreshTokens: string[];
}

export interface AccessTokenGrant {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  expiresAtMs: number;
}

export interface RefreshTokenGrant {
  token: string;
  clientId: string;
  userId: string;
  scopes: string[];
  /** Fixed at the first authorization; rotation keeps it. */
  expiresAtMs: number;
  revoked: boolean;
  /** Issued through PKCE: refreshing needs only client_id, no secret. */
  publicClient: boolean;
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  /** Path without query string, e.g. "/v1/me/tracks". */
  path: string;
  /** Query parameters; values of secret-bearing ones are replaced by "[redacted]". */
  query: Record<string, string>;
  status: number;
  durationMs: number;
  /** The user the bearer token belongs to (Web API), never the token itself. */
  userId?: string;
  /** Parsed JSON body of Web API requests (these carry no secrets). */
  body?: unknown;
  /** For the token endpoint: only the grant type, never codes, secrets or tokens. */
  grantType?: string;
  /** Which injected fault answered, if any. */
  fault?: string;
  /** The request arrived while a 429's Retry-After had not yet passed. */
  retryAfterIgnored?: boolean;
}

export interface IssuedTokens {
  accessToken: AccessTokenGrant;
  refreshToken: RefreshTokenGrant;
}

const MAX_LOG_ENTRIES = 50_000;

export class FakeSpotifyState {
  readonly options: ResolvedOptions;
  readonly faults: FaultInjector;
  clients = new Map<string, FakeClient>();
  users = new Map<string, FakeUser>();
  playlists = new Map<string, FakePlaylist>();
  codes = new Map<string, AuthorizationCodeGrant>();
  accessTokens = new Map<string, AccessTokenGrant>();
  refreshTokens = new Map<string, RefreshTokenGrant>();
  requestLog: RequestLogEntry[] = [];
  autoApproveUserId: string | null = null;
  /** Added to the wall clock; lets tests expire codes and refresh tokens without waiting. */
  clockOffsetMs = 0;
  private idRandom: RandomSource;
  private requestSeq = 0;
  private addedTrackCounter = 0;
  /** Every track the fake has seen, by id, so playlist items render with real metadata. */
  private catalog = new Map<string, LibraryTrack>();

  constructor(options: FakeSpotifyOptions = {}) {
    this.options = resolveOptions(options);
    this.faults = new FaultInjector(this.options.seed, this.options.faults);
    this.idRandom = seededRandom(this.options.seed);
    this.reset();
  }

  /** Back to the state right after start: users, no playlists, no tokens, no faults, empty log. */
  reset(): void {
    this.clients = new Map(this.options.clients.map((c) => [c.clientId, c]));
    this.users = new Map();
    this.catalog = new Map();
    for (const seed of this.options.users) {
      let saved = sortNewestFirst(seed.savedTracks.map(toSavedLibraryTrack));
      if (seed.librarySize !== undefined) saved = resizeLibrary(seed.id, saved, seed.librarySize);
      this.users.set(seed.id, {
        id: seed.id,
        displayName: seed.displayName,
        notAllowlisted: seed.notAllowlisted ?? false,
        savedTracks: saved,
      });
      for (const s of saved) this.remember(s.track);
    }
    this.playlists = new Map();
    this.codes = new Map();
    this.accessTokens = new Map();
    this.refreshTokens = new Map();
    this.requestLog = [];
    this.requestSeq = 0;
    this.addedTrackCounter = 0;
    this.clockOffsetMs = 0;
    this.autoApproveUserId = this.options.autoApproveUserId;
    this.idRandom = seededRandom(this.options.seed);
    this.faults.reset();
  }

  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** The consent page's default user. */
  get defaultUserId(): string {
    return this.options.users[0].id;
  }

  // ---- catalog -------------------------------------------------------------------

  private remember(track: LibraryTrack): void {
    if (track.id !== null && !this.catalog.has(track.id)) this.catalog.set(track.id, track);
  }

  /** Any well-formed id is a track: recommendations come from a dataset, not the user's library. */
  lookupTrack(id: string): LibraryTrack {
    const known = this.catalog.get(id);
    if (known) return known;
    const hash = hashString(id);
    return {
      id,
      name: `Catalog Track ${id.slice(0, 6)}`,
      artists: [`Catalog Artist ${(hash % 89) + 1}`],
      durationMs: 150_000 + (hash % 150_000),
      isLocal: false,
    };
  }

  // ---- OAuth ---------------------------------------------------------------------

  createAuthorizationCode(input: Omit<AuthorizationCodeGrant, "code" | "used" | "expiresAtMs" | "issuedRefreshTokens">): AuthorizationCodeGrant {
    const grant: AuthorizationCodeGrant = {
      ...input,
      code: opaqueToken("fake-code-"),
      used: false,
      expiresAtMs: this.nowMs() + this.options.authorizationCodeLifetimeSeconds * 1000,
      issuedRefreshTokens: [],
    };
    this.codes.set(grant.code, grant);
    return grant;
  }

  issueAccessToken(clientId: string, userId: string, scopes: string[]): AccessTokenGrant {
    const grant: AccessTokenGrant = {
      token: opaqueToken("fake-access-"),
      clientId,
      userId,
      scopes,
      expiresAtMs: this.nowMs() + this.options.accessTokenLifetimeSeconds * 1000,
    };
    this.accessTokens.set(grant.token, grant);
    return grant;
  }

  issueRefreshToken(
    clientId: string,
    userId: string,
    scopes: string[],
    publicClient: boolean,
    expiresAtMs = this.nowMs() + this.options.refreshTokenLifetimeSeconds * 1000,
  ): RefreshTokenGrant {
    const grant: RefreshTokenGrant = {
      token: opaqueToken("fake-refresh-"),
      clientId,
      userId,
      scopes,
      expiresAtMs,
      revoked: false,
      publicClient,
    };
    this.refreshTokens.set(grant.token, grant);
    return grant;
  }

  /** A fresh token pair without the browser dance (control endpoint for API-level tests). */
  issueTokens(clientId: string, userId: string, scopes: string[]): IssuedTokens {
    return {
      accessToken: this.issueAccessToken(clientId, userId, scopes),
      refreshToken: this.issueRefreshToken(clientId, userId, scopes, false),
    };
  }

  expireAllAccessTokens(): number {
    const now = this.nowMs();
    let count = 0;
    for (const grant of this.accessTokens.values()) {
      if (grant.expiresAtMs > now) {
        grant.expiresAtMs = now - 1;
        count++;
      }
    }
    return count;
  }

  revokeRefreshTokens(userId?: string): number {
    let count = 0;
    for (const grant of this.refreshTokens.values()) {
      if (!grant.revoked && (userId === undefined || grant.userId === userId)) {
        grant.revoked = true;
        count++;
      }
    }
    return count;
  }

  // ---- library -------------------------------------------------------------------

  requireUser(userId: string): FakeUser {
    const user = this.users.get(userId);
    if (!user) throw new Error(`Unknown fake user "${userId}"`);
    return user;
  }

  /**
   * Adds liked songs on top of the library (to test incremental sync). Tracks without
   * `addedAt` get timestamps newer than everything saved so far, first one newest.
   */
  prependSavedTracks(userId: string, inputs: Array<Partial<SavedTrackInput>>): SavedLibraryTrack[] {
    const user = this.requireUser(userId);
    const newestMs = user.savedTracks.length > 0 ? Date.parse(user.savedTracks[0].addedAt) : 0;
    const baseMs = Math.max(this.nowMs(), newestMs + 1000);
    const added = inputs.map((input, i) => {
      const generated = syntheticTrack(`${userId}:added`, this.addedTrackCounter++);
      const isLocal = input.isLocal ?? (input.id === null);
      const saved = toSavedLibraryTrack({
        id: isLocal ? null : (input.id ?? generated.id),
        name: input.name ?? generated.name.replace("Synthetic", "New"),
        artists: input.artists ?? generated.artists,
        durationMs: input.durationMs ?? generated.durationMs,
        addedAt: input.addedAt ?? toSpotifyTimestamp(baseMs + (inputs.length - 1 - i) * 1000),
        isLocal,
        album: input.album,
        explicit: input.explicit,
        isrc: input.isrc,
      });
      this.remember(saved.track);
      return saved;
    });
    user.savedTracks = sortNewestFirst([...added, ...user.savedTracks]);
    return added;
  }

  /** Un-likes songs (to test that sync notices removals). Returns how many were removed. */
  removeSavedTracks(userId: string, trackIds: string[]): number {
    const user = this.requireUser(userId);
    const remove = new Set(trackIds);
    const before = user.savedTracks.length;
    user.savedTracks = user.savedTracks.filter((s) => s.track.id === null || !remove.has(s.track.id));
    return before - user.savedTracks.length;
  }

  // ---- playlists -----------------------------------------------------------------

  createPlaylist(input: { ownerId: string; name: string; description: string; public: boolean; collaborative: boolean }): FakePlaylist {
    let id = base62String(this.idRandom, 22);
    while (this.playlists.has(id)) id = base62String(this.idRandom, 22);
    const playlist: FakePlaylist = {
      ...input,
      id,
      version: 1,
      snapshotId: snapshotIdFor(id, 1),
      createdAtMs: this.nowMs(),
      entries: [],
    };
    this.playlists.set(id, playlist);
    return playlist;
  }

  addPlaylistItems(playlist: FakePlaylist, trackIds: string[], addedBy: string, position?: number): string {
    const addedAt = toSpotifyTimestamp(this.nowMs());
    const entries = trackIds.map((trackId) => ({ uri: `spotify:track:${trackId}`, trackId, addedAt, addedBy }));
    playlist.entries.splice(position ?? playlist.entries.length, 0, ...entries);
    playlist.version++;
    playlist.snapshotId = snapshotIdFor(playlist.id, playlist.version);
    return playlist.snapshotId;
  }

  playlistsOwnedBy(userId: string): FakePlaylist[] {
    return [...this.playlists.values()]
      .filter((p) => p.ownerId === userId)
      .sort((a, b) => b.createdAtMs - a.createdAtMs);
  }

  // ---- request log ---------------------------------------------------------------

  startLogEntry(method: string, path: string, query: Record<string, string>): RequestLogEntry {
    const entry: RequestLogEntry = {
      seq: ++this.requestSeq,
      at: new Date(this.nowMs()).toISOString(),
      method,
      path,
      query,
      status: 0,
      durationMs: 0,
    };
    this.requestLog.push(entry);
    if (this.requestLog.length > MAX_LOG_ENTRIES) this.requestLog.splice(0, this.requestLog.length - MAX_LOG_ENTRIES);
    return entry;
  }
}

/** Snapshot ids are opaque strings that change on every modification. */
function snapshotIdFor(playlistId: string, version: number): string {
  return base62String(seededRandom(hashString(`${playlistId}:${version}`)), 32);
}
