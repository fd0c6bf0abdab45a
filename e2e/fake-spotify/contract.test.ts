/**
 * Contract test of the fake Spotify against shared/spotify/spotify-web-api.openapi.yml:
 * every Web API response below is checked against the spec's response schema (see
 * `api()`), and the OAuth flow, redirect-URI rule, faults, paging and removed endpoints
 * behave as the README describes.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeSpotify, type FakeSpotifyServer } from "./index";
import {
  assertRequestMatchesSpec,
  assertResponseMatchesSpec,
  checkRequestAgainstSpec,
  checkResponseAgainstSpec,
  SPOTIFY_OPENAPI_PATH,
} from "./openapi";
import { defaultUserSeeds } from "./state";

const CLIENT_ID = "fake-client-id";
const CLIENT_SECRET = "fake-client-secret";
const REDIRECT_URI = "http://127.0.0.1:3000/api/auth/callback/spotify";
const APP_SCOPES = ["user-library-read", "playlist-modify-private"];
const BASIC_AUTH = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;

let fake: FakeSpotifyServer;

interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read fields freely; the spec check in api() is what vouches for the shape.
  body: any;
}

interface ApiCall {
  token?: string;
  query?: Record<string, string | number>;
  body?: unknown;
  server?: FakeSpotifyServer;
}

/** Calls the fake's Web API and checks the answer (status + body) against the spec. */
async function api(method: string, path: string, call: ApiCall = {}): Promise<ApiResponse> {
  const server = call.server ?? fake;
  const url = new URL(`${server.apiUrl}${path}`);
  for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = {};
  if (call.token) headers.Authorization = `Bearer ${call.token}`;
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const text = await response.text();
  const body: unknown = text === "" ? undefined : JSON.parse(text);
  assertResponseMatchesSpec(method, url.pathname, response.status, body);
  return { status: response.status, headers: response.headers, body };
}

async function control(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const response = await fetch(`${fake.url}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(`${fake.accountsUrl}/authorize`);
  const defaults = {
    client_id: CLIENT_ID,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: APP_SCOPES.join(" "),
    state: "state-123",
  };
  for (const [key, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(key, value);
  return url.toString();
}

/** Submits the consent page as a browser would; returns the redirect target. */
async function decide(decision: "agree" | "cancel", userId = "demo", params: Record<string, string> = {}): Promise<URL> {
  const pageUrl = new URL(authorizeUrl(params));
  const form = new URLSearchParams(pageUrl.searchParams);
  form.set("user_id", userId);
  form.set("decision", decision);
  const response = await fetch(`${fake.accountsUrl}/authorize`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") ?? "");
}

async function tokenRequest(form: Record<string, string>, authorization: string | null = BASIC_AUTH): Promise<ApiResponse> {
  const response = await fetch(`${fake.accountsUrl}/api/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
  expires_in: number;
  token_type: string;
}

/** The whole Authorization Code flow through the consent page. */
async function signIn(userId = "demo", scopes = APP_SCOPES): Promise<Tokens> {
  const redirect = await decide("agree", userId, { scope: scopes.join(" ") });
  const code = redirect.searchParams.get("code") ?? "";
  const token = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
  expect(token.status).toBe(200);
  return token.body as Tokens;
}

beforeAll(async () => {
  // Fixture users only (not prisma/sample), so the expectations below are stable.
  fake = await startFakeSpotify({ users: defaultUserSeeds(), seed: 42 });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(async () => {
  expect((await control("POST", "/reset")).status).toBe(200);
});

describe("the spec file", () => {
  it("is the shared contract and has the endpoints the app uses", () => {
    expect(existsSync(SPOTIFY_OPENAPI_PATH)).toBe(true);
    for (const [method, path] of [
      ["GET", "/me"],
      ["GET", "/me/tracks"],
      ["POST", "/me/playlists"],
      ["GET", "/playlists/abc"],
      ["GET", "/playlists/abc/items"],
      ["POST", "/playlists/abc/items"],
    ]) {
      expect(checkRequestAgainstSpec(method, path, {}, method === "POST" ? bodyFor(path) : undefined)).toEqual([]);
    }
  });
});

function bodyFor(path: string): unknown {
  return path === "/me/playlists" ? { name: "x" } : { uris: ["spotify:track:4iV5W9uYEdYUVa79Axb7Rh"] };
}

describe("Accounts: authorize", () => {
  it("renders a consent page with the app, the scopes in words, the users and Agree/Cancel", async () => {
    const response = await fetch(authorizeUrl({}));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('id="app-name">Taste Clusters<');
    expect(html).toContain("Access your saved content (your Liked Songs)");
    expect(html).toContain("Manage your private playlists");
    expect(html).not.toContain("Manage your public playlists");
    expect(html).toMatch(/<input type="radio" name="user_id" id="user-demo" value="demo" checked>/);
    expect(html).toContain('id="user-other"');
    expect(html).toContain('id="user-unlisted"');
    expect(html).toMatch(/<button[^>]*id="agree"[^>]*>Agree<\/button>/);
    expect(html).toMatch(/<button[^>]*id="cancel"[^>]*>Cancel<\/button>/);
  });

  it("Agree redirects back with a code and the state; Cancel with access_denied", async () => {
    const agreed = await decide("agree");
    expect(`${agreed.origin}${agreed.pathname}`).toBe(REDIRECT_URI);
    expect(agreed.searchParams.get("code")).toMatch(/^fake-code-/);
    expect(agreed.searchParams.get("state")).toBe("state-123");

    const cancelled = await decide("cancel");
    expect(cancelled.searchParams.get("error")).toBe("access_denied");
    expect(cancelled.searchParams.get("state")).toBe("state-123");
    expect(cancelled.searchParams.has("code")).toBe(false);
  });

  it.each([
    ["http://localhost:3000/cb", "INVALID_CLIENT: Insecure redirect URI"],
    ["http://example.com/cb", "INVALID_CLIENT: Insecure redirect URI"],
    ["http://127.0.0.2:3000/cb", "INVALID_CLIENT: Insecure redirect URI"],
    ["not a url", "INVALID_CLIENT: Invalid redirect URI"],
  ])("refuses redirect_uri %s", async (redirectUri, message) => {
    const response = await fetch(authorizeUrl({ redirect_uri: redirectUri }), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
  });

  it.each(["http://127.0.0.1:3000/cb", "http://[::1]:3000/cb", "https://taste.example.com/cb"])(
    "accepts the loopback/HTTPS redirect_uri %s",
    async (redirectUri) => {
      const response = await fetch(authorizeUrl({ redirect_uri: redirectUri }));
      expect(response.status).toBe(200);
      const redirect = await decide("agree", "demo", { redirect_uri: redirectUri });
      expect(redirect.href.startsWith(redirectUri)).toBe(true);
    },
  );

  it.each([
    [{ client_id: "someone-else" }, "INVALID_CLIENT: Invalid client"],
    [{ scope: "user-library-read user-read-everything" }, "INVALID_SCOPE: Illegal scope"],
    [{ response_type: "token" }, "response_type must be code"],
  ])("refuses a bad authorize request %j", async (params, message) => {
    const response = await fetch(authorizeUrl(params));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(message);
  });

  it("skips the page for an auto-approved user (as Spotify does once an app is approved)", async () => {
    await control("POST", "/auto-approve", { userId: "other" });
    const response = await fetch(authorizeUrl({}), { redirect: "manual" });
    expect(response.status).toBe(302);
    const code = new URL(response.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const token = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    const me = await api("GET", "/me", { token: token.body.access_token });
    expect(me.body.id).toBe("other");
  });
});

describe("Accounts: token", () => {
  it("exchanges a code once, for the redirect_uri it was issued for", async () => {
    const code = (await decide("agree")).searchParams.get("code") ?? "";
    const wrongRedirect = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: "http://127.0.0.1:9999/cb" });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.body).toEqual({ error: "invalid_grant", error_description: "Invalid redirect URI" });

    const ok = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.body).toEqual({
      access_token: expect.stringMatching(/^fake-access-[\w-]{20,}$/),
      token_type: "Bearer",
      scope: "user-library-read playlist-modify-private",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^fake-refresh-[\w-]{20,}$/),
    });

    const replay = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe("invalid_grant");
    // A replayed code revokes what it produced.
    const refresh = await tokenRequest({ grant_type: "refresh_token", refresh_token: ok.body.refresh_token });
    expect(refresh.body.error).toBe("invalid_grant");
  });

  it("expires codes after 10 minutes", async () => {
    const code = (await decide("agree")).searchParams.get("code") ?? "";
    await control("POST", "/advance-clock", { seconds: 601 });
    const late = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI });
    expect(late.status).toBe(400);
    expect(late.body).toEqual({ error: "invalid_grant", error_description: "Authorization code expired" });
  });

  it("authenticates the client by Basic header or by body, and refuses bad credentials", async () => {
    const code = (await decide("agree")).searchParams.get("code") ?? "";
    const badSecret = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString("base64")}`,
    );
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe("invalid_client");

    const unknownClient = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: "nobody", client_secret: "x" },
      null,
    );
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body.error).toBe("invalid_client");

    const inBody = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      null,
    );
    expect(inBody.status).toBe(200);
  });

  it("refuses unknown grant types and non-form bodies", async () => {
    const password = await tokenRequest({ grant_type: "password", username: "a", password: "b" });
    expect(password.status).toBe(400);
    expect(password.body.error).toBe("unsupported_grant_type");
    const missing = await tokenRequest({});
    expect(missing.body.error).toBe("unsupported_grant_type");

    const json = await fetch(`${fake.accountsUrl}/api/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: BASIC_AUTH },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "x" }),
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe("invalid_request");
  });

  it("rotates refresh tokens: the new one works, the old one is invalid_grant", async () => {
    const first = await signIn();
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.refresh_token).toMatch(/^fake-refresh-/);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.scope).toBe(first.scope);
    expect((await api("GET", "/me", { token: refreshed.body.access_token })).status).toBe(200);

    const old = await tokenRequest({ grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(old.status).toBe(400);
    expect(old.body).toEqual({ error: "invalid_grant", error_description: "Invalid refresh token" });

    const again = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token });
    expect(again.status).toBe(200);
  });

  it("answers invalid_grant for revoked, unknown and expired (6-month) refresh tokens", async () => {
    const demo = await signIn("demo");
    const other = await signIn("other");
    expect((await control("POST", "/revoke-refresh-tokens", { userId: "demo" })).body).toEqual({ revoked: 1 });
    const revoked = await tokenRequest({ grant_type: "refresh_token", refresh_token: demo.refresh_token });
    expect(revoked.status).toBe(400);
    expect(revoked.body.error).toBe("invalid_grant");
    const unknown = await tokenRequest({ grant_type: "refresh_token", refresh_token: "fake-refresh-made-up" });
    expect(unknown.body.error).toBe("invalid_grant");

    // Rotation must not extend the life fixed at the first authorization.
    const rotated = await tokenRequest({ grant_type: "refresh_token", refresh_token: other.refresh_token });
    await control("POST", "/advance-clock", { seconds: 183 * 24 * 3600 });
    const expired = await tokenRequest({ grant_type: "refresh_token", refresh_token: rotated.body.refresh_token });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe("invalid_grant");
  });

  it("keeps the refresh token (and omits it from the answer) when rotation is off", async () => {
    const noRotation = await startFakeSpotify({ users: defaultUserSeeds(), rotateRefreshTokens: false, accessTokenLifetimeSeconds: 60 });
    try {
      const issued = await (await fetch(`${noRotation.url}/__control/tokens`, { method: "POST", body: JSON.stringify({ userId: "demo" }) })).json();
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: issued.refresh_token });
      const post = () =>
        fetch(`${noRotation.accountsUrl}/api/token`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: BASIC_AUTH },
          body: form.toString(),
        }).then((r) => r.json());
      const first = await post();
      expect(first.expires_in).toBe(60);
      expect(first).not.toHaveProperty("refresh_token");
      expect((await post()).access_token).toMatch(/^fake-access-/);
    } finally {
      await noRotation.close();
    }
  });

  it("supports PKCE (code_verifier instead of a client secret)", async () => {
    const verifier = randomBytes(48).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const params = { code_challenge: challenge, code_challenge_method: "S256" };
    const code = (await decide("agree", "demo", params)).searchParams.get("code") ?? "";
    const base = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: CLIENT_ID };
    const wrong = await tokenRequest({ ...base, code_verifier: "x".repeat(50) }, null);
    expect(wrong.body.error).toBe("invalid_grant");
    const code2 = (await decide("agree", "demo", params)).searchParams.get("code") ?? "";
    const right = await tokenRequest({ ...base, code: code2, code_verifier: verifier }, null);
    expect(right.status).toBe(200);
  });
});

describe("Web API: auth errors", () => {
  it("401 for a missing, unknown or expired token; 403 for a user not on the app's list", async () => {
    const missing = await api("GET", "/me");
    expect(missing.status).toBe(401);
    const unknown = await api("GET", "/me", { token: "fake-access-nope" });
    expect(unknown.body).toEqual({ error: { status: 401, message: "Invalid access token" } });

    const { access_token } = await signIn();
    expect((await api("GET", "/me", { token: access_token })).status).toBe(200);
    expect((await control("POST", "/expire-tokens")).body.expired).toBe(1);
    const expired = await api("GET", "/me", { token: access_token });
    expect(expired.body).toEqual({ error: { status: 401, message: "The access token expired" } });

    const unlisted = await signIn("unlisted");
    for (const path of ["/me", "/me/tracks"]) {
      const refused = await api("GET", path, { token: unlisted.access_token });
      expect(refused.body).toEqual({ error: { status: 403, message: "User not registered in the Developer Dashboard" } });
    }
  });

  it("403 Insufficient client scope without the needed scope", async () => {
    const { access_token } = await signIn("demo", ["playlist-modify-private"]);
    const tracks = await api("GET", "/me/tracks", { token: access_token });
    expect(tracks.body).toEqual({ error: { status: 403, message: "Insufficient client scope" } });
    // public defaults to true, which needs playlist-modify-public.
    const publicPlaylist = await api("POST", "/me/playlists", { token: access_token, body: { name: "Mix" } });
    expect(publicPlaylist.status).toBe(403);
    const privatePlaylist = await api("POST", "/me/playlists", { token: access_token, body: { name: "Mix", public: false } });
    expect(privatePlaylist.status).toBe(201);
  });
});

describe("Web API: profile and liked songs", () => {
  it("GET /me has no email, country, product or followers", async () => {
    const { access_token } = await signIn();
    const me = await api("GET", "/me", { token: access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: "demo",
      display_name: "Demo Listener",
      type: "user",
      uri: "spotify:user:demo",
      href: `${fake.apiUrl}/users/demo`,
      external_urls: { spotify: "https://open.spotify.com/user/demo" },
    });
    for (const removed of ["email", "country", "product", "followers", "explicit_content"]) {
      expect(me.body).not.toHaveProperty(removed);
    }
  });

  it("pages through all liked songs, newest first, with working next/previous links", async () => {
    const { access_token } = await signIn();
    const seen: Array<{ added_at: string; track: { id: string | null; uri: string; is_local: boolean } }> = [];
    let url: string | null = `${fake.apiUrl}/me/tracks?limit=7`;
    let pages = 0;
    while (url) {
      const { pathname, searchParams } = new URL(url);
      const page = await api("GET", pathname.replace(/^\/v1/, ""), { token: access_token, query: Object.fromEntries(searchParams) });
      expect(page.status).toBe(200);
      expect(page.body.limit).toBe(7);
      expect(page.body.offset).toBe(pages * 7);
      expect(page.body.previous === null).toBe(pages === 0);
      seen.push(...page.body.items);
      url = page.body.next;
      pages++;
    }
    expect(seen).toHaveLength(29);
    expect(pages).toBe(5);
    const times = seen.map((s) => Date.parse(s.added_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(seen[0].track.id).toBe(fake.state.users.get("demo")?.savedTracks[0].track.id);

    const local = seen.filter((s) => s.track.is_local);
    expect(local).toHaveLength(1);
    expect(local[0].track.id).toBeNull();
    expect(local[0].track.uri).toMatch(/^spotify:local:Me:Home\+Recordings:Voice\+Memo\+%28Rehearsal%29:95$/);

    // Catalog tracks pass the spec with no allowance at all, and carry what the app relies on.
    const catalogPage = await api("GET", "/me/tracks", { token: access_token, query: { limit: 5 } });
    assertResponseMatchesSpec("GET", "/v1/me/tracks", 200, catalogPage.body, { strict: true });
    const track = catalogPage.body.items[0].track;
    expect(track).toMatchObject({ type: "track", is_local: false, preview_url: null, uri: `spotify:track:${track.id}` });
    expect(track.id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(track.external_ids.isrc).toMatch(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/);
    expect(track.album.images).toHaveLength(3);
    expect(track).not.toHaveProperty("popularity");
    // ...while the page with the local file needs the documented allowance.
    const localPage = await api("GET", "/me/tracks", { token: access_token, query: { limit: 50 } });
    expect(checkResponseAgainstSpec("GET", "/v1/me/tracks", 200, localPage.body, { strict: true }).join("\n")).toMatch(/track\/id/);
  });

  it.each([
    [{ limit: 51 }, "Invalid limit"],
    [{ limit: 0 }, "Invalid limit"],
    [{ limit: "ten" }, "Invalid limit"],
    [{ offset: -1 }, "Invalid offset"],
    [{ offset: 100_001 }, "Invalid offset"],
    [{ market: "germany" }, "Invalid market code"],
  ])("400 for /me/tracks with %j", async (query, message) => {
    const { access_token } = await signIn();
    const response = await api("GET", "/me/tracks", { token: access_token, query });
    expect(response.body).toEqual({ error: { status: 400, message } });
  });

  it("an offset past the end gives an empty page", async () => {
    const { access_token } = await signIn();
    const page = await api("GET", "/me/tracks", { token: access_token, query: { offset: 100, limit: 50, market: "DE" } });
    expect(page.body).toMatchObject({ items: [], total: 29, next: null });
    expect(page.body.previous).toContain("market=DE");
  });

  it("one user never sees another's library", async () => {
    const demo = await signIn("demo");
    const other = await signIn("other");
    const demoIds = (await api("GET", "/me/tracks", { token: demo.access_token, query: { limit: 50 } })).body.items.map(
      (i: { track: { id: string } }) => i.track.id,
    );
    const otherPage = (await api("GET", "/me/tracks", { token: other.access_token, query: { limit: 50 } })).body;
    expect(otherPage.total).toBe(8);
    expect(otherPage.items.filter((i: { track: { id: string } }) => demoIds.includes(i.track.id))).toEqual([]);
  });

  it("prepends newly liked songs with newer added_at (incremental sync) and removes un-liked ones", async () => {
    const { access_token } = await signIn();
    const before = (await api("GET", "/me/tracks", { token: access_token, query: { limit: 1 } })).body;
    const added = await control("POST", "/users/demo/saved-tracks", {
      tracks: [{ name: "Brand New", artists: ["Fresh Act"], durationMs: 200_000 }, {}],
    });
    expect(added.status).toBe(200);
    expect(added.body.total).toBe(31);
    const after = (await api("GET", "/me/tracks", { token: access_token, query: { limit: 3 } })).body;
    expect(after.total).toBe(before.total + 2);
    expect(after.items[0].track.name).toBe("Brand New");
    expect(Date.parse(after.items[1].added_at)).toBeGreaterThan(Date.parse(before.items[0].added_at));
    expect(after.items[2].track.id).toBe(before.items[0].track.id);

    const removed = await control("POST", "/users/demo/saved-tracks/remove", { ids: [after.items[0].track.id] });
    expect(removed.body).toEqual({ removed: 1, total: 30 });
  });

  it("pads a library to librarySize with deterministic synthetic ids, newest first", async () => {
    const big = await startFakeSpotify({ users: defaultUserSeeds(undefined, 20_000) });
    const again = await startFakeSpotify({ users: defaultUserSeeds(undefined, 20_000) });
    try {
      const ids = big.state.requireUser("demo").savedTracks.map((s) => s.track.id);
      expect(ids).toHaveLength(20_000);
      expect(again.state.requireUser("demo").savedTracks.map((s) => s.track.id)).toEqual(ids);
      const catalogIds = ids.filter((id): id is string => id !== null);
      expect(new Set(catalogIds).size).toBe(catalogIds.length);
      expect(catalogIds.every((id) => /^[0-9A-Za-z]{22}$/.test(id))).toBe(true);

      const token = (await (await fetch(`${big.url}/__control/tokens`, { method: "POST", body: JSON.stringify({ userId: "demo" }) })).json())
        .access_token as string;
      const last = await api("GET", "/me/tracks", { server: big, token, query: { limit: 50, offset: 19_950 } });
      expect(last.body.total).toBe(20_000);
      expect(last.body.items).toHaveLength(50);
      expect(last.body.next).toBeNull();
      expect(last.body.items.at(-1).track.name).toMatch(/^Synthetic Song/);
      const times = last.body.items.map((i: { added_at: string }) => Date.parse(i.added_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    } finally {
      await Promise.all([big.close(), again.close()]);
    }
  });
});

describe("Web API: playlists", () => {
  it("creates a private playlist, adds items in batches and reads them back (item, not track)", async () => {
    const { access_token } = await signIn();
    const created = await api("POST", "/me/playlists", {
      token: access_token,
      body: { name: "Taste Clusters: Night drive", description: "From cluster 3", public: false },
    });
    expect(created.status).toBe(201);
    const playlist = created.body;
    expect(playlist).toMatchObject({
      name: "Taste Clusters: Night drive",
      description: "From cluster 3",
      public: false,
      collaborative: false,
      type: "playlist",
      owner: { id: "demo", display_name: "Demo Listener", type: "user" },
      external_urls: { spotify: `https://open.spotify.com/playlist/${playlist.id}` },
      uri: `spotify:playlist:${playlist.id}`,
      items: { total: 0, items: [] },
    });
    expect(playlist.id).toMatch(/^[0-9A-Za-z]{22}$/);

    const savedIds = fake.state.requireUser("demo").savedTracks.flatMap((s) => (s.track.id ? [s.track.id] : []));
    // A catalog track the user never liked (recommendations come from the dataset).
    const uris = [...savedIds.slice(0, 3), "4iV5W9uYEdYUVa79Axb7Rh"].map((id) => `spotify:track:${id}`);
    const first = await api("POST", `/playlists/${playlist.id}/items`, { token: access_token, body: { uris: uris.slice(0, 2) } });
    expect(first.status).toBe(201);
    expect(first.body.snapshot_id).toEqual(expect.any(String));
    const second = await api("POST", `/playlists/${playlist.id}/items`, { token: access_token, body: { uris: uris.slice(2) } });
    expect(second.body.snapshot_id).not.toBe(first.body.snapshot_id);
    const atFront = await api("POST", `/playlists/${playlist.id}/items`, {
      token: access_token,
      body: { uris: [uris[3]], position: 0 },
    });
    expect(atFront.status).toBe(201);

    const items = await api("GET", `/playlists/${playlist.id}/items`, { token: access_token, query: { limit: 50 } });
    expect(items.body.total).toBe(5);
    expect(items.body.items.map((i: { item: { uri: string } }) => i.item.uri)).toEqual([uris[3], ...uris]);
    expect(items.body.items[0]).not.toHaveProperty("track");
    expect(items.body.items[0].added_by.id).toBe("demo");

    const full = await api("GET", `/playlists/${playlist.id}`, { token: access_token });
    expect(full.body.items.total).toBe(5);
    expect(full.body.snapshot_id).toBe(atFront.body.snapshot_id);

    const mine = await api("GET", "/me/playlists", { token: access_token });
    // Without playlist-read-private the private export is not listed, as on Spotify.
    expect(mine.body.total).toBe(0);

    const viaControl = await control("GET", "/users/demo/playlists");
    expect(viaControl.body).toHaveLength(1);
    expect(viaControl.body[0].uris).toEqual([uris[3], ...uris]);
    expect(viaControl.body[0].public).toBe(false);
  });

  it("validates adds: at most 100 URIs, only track URIs, positions in range, owner only", async () => {
    const demo = await signIn();
    const { id } = (await api("POST", "/me/playlists", { token: demo.access_token, body: { name: "P", public: false } })).body;
    const uri = "spotify:track:4iV5W9uYEdYUVa79Axb7Rh";
    const tooMany = await api("POST", `/playlists/${id}/items`, { token: demo.access_token, body: { uris: Array(101).fill(uri) } });
    expect(tooMany.status).toBe(400);
    const hundred = await api("POST", `/playlists/${id}/items`, { token: demo.access_token, body: { uris: Array(100).fill(uri) } });
    expect(hundred.status).toBe(201);
    for (const bad of ["spotify:track:short", "spotify:album:4iV5W9uYEdYUVa79Axb7Rh", "4iV5W9uYEdYUVa79Axb7Rh"]) {
      const response = await api("POST", `/playlists/${id}/items`, { token: demo.access_token, body: { uris: [bad] } });
      expect(response.status).toBe(400);
    }
    const outOfRange = await api("POST", `/playlists/${id}/items`, { token: demo.access_token, body: { uris: [uri], position: 101 } });
    expect(outOfRange.status).toBe(400);
    const missingName = await api("POST", "/me/playlists", { token: demo.access_token, body: { public: false } });
    expect(missingName.body).toEqual({ error: { status: 400, message: "Missing required field: name" } });

    const other = await signIn("other", [...APP_SCOPES, "playlist-modify-public"]);
    const intrusion = await api("POST", `/playlists/${id}/items`, { token: other.access_token, body: { uris: [uri] } });
    expect(intrusion.status).toBe(403);
    expect((await api("GET", `/playlists/${id}/items`, { token: other.access_token })).status).toBe(403);
    expect((await api("GET", `/playlists/${id}`, { token: other.access_token })).status).toBe(404);
    expect((await api("GET", "/playlists/0000000000000000000000", { token: demo.access_token })).status).toBe(404);
    expect((await api("GET", "/playlists/not-an-id", { token: demo.access_token })).status).toBe(400);
    expect(fake.state.playlists.get(id)?.entries).toHaveLength(100);
  });

  it("fail-playlist-items-after makes the N+1th add fail once with 500 (resumable export)", async () => {
    const { access_token } = await signIn();
    const { id } = (await api("POST", "/me/playlists", { token: access_token, body: { name: "Resume", public: false } })).body;
    await control("POST", "/fail-playlist-items-after", { count: 2 });
    const uri = (n: number) => `spotify:track:${String(n).padStart(22, "0")}`;
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      statuses.push((await api("POST", `/playlists/${id}/items`, { token: access_token, body: { uris: [uri(n)] } })).status);
    }
    expect(statuses).toEqual([201, 201, 500, 201]);
    const stored = (await control("GET", "/users/demo/playlists")).body[0].uris;
    expect(stored).toEqual([uri(0), uri(1), uri(3)]);
  });
});

describe("Web API: removed and unknown endpoints", () => {
  it.each([
    ["POST", "/users/demo/playlists", 403, { name: "x" }],
    ["GET", "/playlists/0000000000000000000000/tracks", 403, undefined],
    ["POST", "/playlists/0000000000000000000000/tracks", 403, { uris: [] }],
    ["DELETE", "/playlists/0000000000000000000000/tracks", 403, undefined],
    ["GET", "/audio-features?ids=4iV5W9uYEdYUVa79Axb7Rh", 403, undefined],
    ["GET", "/audio-features/4iV5W9uYEdYUVa79Axb7Rh", 403, undefined],
    ["GET", "/recommendations?seed_genres=pop", 404, undefined],
    ["GET", "/artists/0TnOYISbd1XYRBk9myaseg/related-artists", 403, undefined],
  ])("%s %s answers %i", async (method, pathAndQuery, status, body) => {
    const { access_token } = await signIn();
    const [path, search] = pathAndQuery.split("?");
    const response = await api(method, path, {
      token: access_token,
      body,
      query: Object.fromEntries(new URLSearchParams(search ?? "")),
    });
    expect(response.status).toBe(status);
    expect(response.body.error.status).toBe(status);
    // ...and the request checker refuses the app's use of them.
    expect(checkRequestAgainstSpec(method, pathAndQuery, undefined, body).join("\n")).toMatch(/removed/);
  });

  it("unknown paths are 404 with the error object", async () => {
    const { access_token } = await signIn();
    const response = await api("GET", "/me/nothing-here", { token: access_token });
    expect(response.body).toEqual({ error: { status: 404, message: "Service not found" } });
  });
});

describe("faults", () => {
  it("429 carries Retry-After and the rate-limit body; early retries stay limited and are flagged", async () => {
    const { access_token } = await signIn();
    await control("POST", "/faults", { rate429: 1, retryAfterSeconds: 3 });
    const limited = await api("GET", "/me", { token: access_token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.body).toEqual({ error: { status: 429, message: "API rate limit exceeded" } });

    await control("POST", "/faults", { rate429: 0 });
    const tooEarly = await api("GET", "/me", { token: access_token });
    expect(tooEarly.status).toBe(429);
    expect(Number(tooEarly.headers.get("retry-after"))).toBeGreaterThan(0);
    const log = (await control("GET", "/requests")).body as Array<{ path: string; retryAfterIgnored?: boolean; status: number }>;
    expect(log.filter((e) => e.path === "/v1/me").map((e) => [e.status, e.retryAfterIgnored ?? false])).toEqual([
      [429, false],
      [429, true],
    ]);

    await control("POST", "/advance-clock", { seconds: 3 });
    expect((await api("GET", "/me", { token: access_token })).status).toBe(200);
  });

  it("random decisions are reproducible from the seed", async () => {
    const { access_token } = await signIn();
    const run = async () => {
      await control("POST", "/faults", { rate429: 0.3, rate5xx: 0.2, enforceRetryAfter: false, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await api("GET", "/me", { token: access_token })).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(200);
    expect(first).toContain(429);
    expect(first.some((s) => s >= 500)).toBe(true);
  });

  it("failNextRequests fails exactly the matching requests", async () => {
    const { access_token } = await signIn();
    await control("POST", "/faults", { failNextRequests: [{ path: "^/v1/me/tracks$", status: 503, count: 2 }] });
    expect((await api("GET", "/me", { token: access_token })).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api("GET", "/me/tracks", { token: access_token })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect((await control("GET", "/faults")).body.failNextRequests).toEqual([]);
  });

  it("the token endpoint can be failed too", async () => {
    const tokens = await signIn();
    await control("POST", "/faults", { failNextRequests: [{ path: "/accounts/api/token", status: 502 }] });
    const failed = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(failed.status).toBe(502);
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).status).toBe(200);
  });

  it("latency delays answers and timeoutRate leaves requests unanswered", async () => {
    const { access_token } = await signIn();
    await control("POST", "/faults", { latencyMs: 150 });
    const started = Date.now();
    await api("GET", "/me", { token: access_token });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    await control("POST", "/faults", { latencyMs: 0, timeoutRate: 1 });
    await expect(
      fetch(`${fake.apiUrl}/me`, { headers: { Authorization: `Bearer ${access_token}` }, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
  });

  it("rejects invalid fault settings", async () => {
    expect((await control("POST", "/faults", { rate429: 2 })).status).toBe(400);
    expect((await control("POST", "/faults", { nonsense: true })).status).toBe(400);
  });
});

describe("request log", () => {
  it("records method, path, query, status and user, but never tokens, codes or secrets", async () => {
    const tokens = await signIn();
    await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    await api("GET", "/me/tracks", { token: tokens.access_token, query: { limit: 50, offset: 0 } });
    const log = (await control("GET", "/requests")).body as Array<Record<string, unknown>>;
    expect(log.find((e) => e.path === "/v1/me/tracks")).toMatchObject({
      method: "GET",
      query: { limit: "50", offset: "0" },
      status: 200,
      userId: "demo",
    });
    expect(log.filter((e) => e.path === "/accounts/api/token").map((e) => e.grantType)).toEqual([
      "authorization_code",
      "refresh_token",
    ]);
    const text = JSON.stringify(log);
    for (const secret of [tokens.access_token, tokens.refresh_token, CLIENT_SECRET, "fake-access-", "fake-refresh-", "fake-code-"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("entries can be checked with assertRequestMatchesSpec", async () => {
    const { access_token } = await signIn();
    await api("GET", "/me/tracks", { token: access_token, query: { limit: 50, offset: 0 } });
    await api("POST", "/me/playlists", { token: access_token, body: { name: "Mix", public: false } });
    const log = (await control("GET", "/requests")).body as Array<{ method: string; path: string; query: Record<string, string>; body?: unknown }>;
    const webApi = log.filter((e) => e.path.startsWith("/v1/"));
    expect(webApi).toHaveLength(2);
    for (const entry of webApi) assertRequestMatchesSpec(entry.method, entry.path, entry.query, entry.body);
  });
});

describe("assertRequestMatchesSpec", () => {
  it("accepts the requests the app should make", () => {
    expect(() => assertRequestMatchesSpec("GET", "/v1/me")).not.toThrow();
    expect(() => assertRequestMatchesSpec("GET", "/v1/me/tracks", { limit: "50", offset: "100", market: "from_token" })).not.toThrow();
    expect(() => assertRequestMatchesSpec("GET", "https://api.spotify.com/v1/me/tracks?limit=50&offset=50")).not.toThrow();
    expect(() =>
      assertRequestMatchesSpec("POST", "/v1/me/playlists", {}, { name: "Mix", description: "d", public: false }),
    ).not.toThrow();
    expect(() =>
      assertRequestMatchesSpec("POST", "/v1/playlists/3cEYpjA9oz9GiPac4AsH4n/items", {}, { uris: ["spotify:track:4iV5W9uYEdYUVa79Axb7Rh"] }),
    ).not.toThrow();
  });

  it.each([
    ["limit above 50", "GET", "/v1/me/tracks", { limit: "51" }, undefined, /limit.*<= 50/],
    ["non-integer limit", "GET", "/v1/me/tracks", { limit: "abc" }, undefined, /must be an integer/],
    ["offset above 100,000", "GET", "/v1/me/tracks", { offset: "100001" }, undefined, /100,000/],
    ["unknown query parameter", "GET", "/v1/me/tracks", { sort: "name" }, undefined, /unknown query parameter "sort"/],
    ["unknown path", "GET", "/v1/me/songs", {}, undefined, /no path in the spec/],
    ["unknown method", "PATCH", "/v1/me", {}, undefined, /not an operation/],
    ["missing body", "POST", "/v1/me/playlists", {}, undefined, /body is required/],
    ["body without name", "POST", "/v1/me/playlists", {}, { description: "no name" }, /required property 'name'/],
    ["public not boolean", "POST", "/v1/me/playlists", {}, { name: "x", public: "no" }, /public must be boolean/],
    ["body on GET", "GET", "/v1/me", {}, { unexpected: true }, /takes no request body/],
    ["more than 100 uris", "POST", "/v1/playlists/p/items", {}, { uris: Array(101).fill("spotify:track:4iV5W9uYEdYUVa79Axb7Rh") }, /at most 100/],
    ["malformed uri", "POST", "/v1/playlists/p/items", {}, { uris: ["spotify:track:nope"] }, /invalid Spotify URI/],
    ["removed /tracks path", "POST", "/v1/playlists/p/tracks", {}, { uris: ["spotify:track:4iV5W9uYEdYUVa79Axb7Rh"] }, /removed/],
    ["removed /users/{id}/playlists", "POST", "/v1/users/demo/playlists", {}, { name: "x" }, /removed.*POST \/me\/playlists/],
    ["removed audio-features", "GET", "/v1/audio-features", { ids: "4iV5W9uYEdYUVa79Axb7Rh" }, undefined, /removed/],
    ["deprecated PUT /me/tracks", "PUT", "/v1/me/tracks", {}, { ids: ["4iV5W9uYEdYUVa79Axb7Rh"] }, /deprecated/],
  ] as const)("rejects a request with %s", (_label, method, path, query, body, message) => {
    expect(() => assertRequestMatchesSpec(method, path, query, body)).toThrow(message);
  });
});
