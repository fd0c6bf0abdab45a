/**
 * The session cookie is `Secure` (with the `__Secure-` prefix) when the app is served
 * over https, and stays usable on plain-http loopback for development.
 *
 * Why this test and not another: there is no TLS here, so the built app cannot be
 * reached over https by a browser. next-auth v4 decides everything from NEXTAUTH_URL at
 * request time (core/init.js: `useSecureCookies ?? url.base.startsWith("https://")`, then
 * core/lib/cookie.js `defaultCookies(useSecureCookies)`), and our authOptions() sets no
 * `cookies` or `useSecureCookies` of its own. So the honest check is to run a complete
 * sign-in through next-auth's public request handler (`NextAuth(req, res, options)`) with
 * the very options the app builds, against the fake Spotify and a real database, once with
 * an https NEXTAUTH_URL and once with the loopback http one, and read the Set-Cookie
 * headers it produces. Asserting on authOptions() alone would prove nothing (it has no
 * cookie settings), and asserting on `defaultCookies(true)` would only test next-auth.
 * This test fails if anyone sets `useSecureCookies: false`, overrides `cookies` with
 * `secure: false` or another name or SameSite, or stops deriving it from NEXTAUTH_URL.
 * Not exercised: Next's App Router adapter (NextAuthRouteHandler), which serializes the
 * same cookie objects with the same `cookie.serialize` as the handler used here.
 */
import type { IncomingHttpHeaders } from "node:http";
import NextAuth from "next-auth";
import { decode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSpotify, type FakeSpotifyServer } from "../../e2e/fake-spotify";
import { getDb } from "../db/server";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { authOptions } from "./options";

const SECRET = "options-test-secret-0123456789abcdef";
const HTTPS_URL = "https://taste.example.com";
const LOOPBACK_URL = "http://127.0.0.1:3000";

interface SetCookie {
  name: string;
  value: string;
  /** Attribute names in lower case; values as sent (`samesite` → "Lax"). */
  attributes: Map<string, string>;
  raw: string;
}

function parseSetCookie(raw: string): SetCookie {
  const [pair, ...attributes] = raw.split(/;\s*/);
  const equals = pair.indexOf("=");
  return {
    name: pair.slice(0, equals),
    value: decodeURIComponent(pair.slice(equals + 1)),
    attributes: new Map(
      attributes.map((a) => {
        const i = a.indexOf("=");
        return i === -1 ? [a.toLowerCase(), ""] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
      }),
    ),
    raw,
  };
}

interface HandlerResult {
  status: number;
  location?: string;
  body: unknown;
  cookies: SetCookie[];
}

/** One request through next-auth's public handler (the Pages API form), as the app configures it. */
async function nextAuthRequest(
  baseUrl: string,
  action: string[],
  input: { method?: "GET" | "POST"; query?: Record<string, string>; body?: Record<string, string>; jar: Map<string, string> },
): Promise<HandlerResult> {
  let status = 200;
  let location: string | undefined;
  let body: unknown;
  let setCookie: string[] = [];
  const res = {
    status(code: number) {
      status = code;
      return res;
    },
    setHeader(name: string, value: string | string[]) {
      if (name.toLowerCase() === "set-cookie") setCookie = [value].flat();
      if (name.toLowerCase() === "location") location = String(value);
      return res;
    },
    getHeader(name: string) {
      return name.toLowerCase() === "set-cookie" ? setCookie : undefined;
    },
    end() {},
    send(value: unknown) {
      body = value;
    },
    json(value: unknown) {
      body = value;
    },
  };
  const headers: IncomingHttpHeaders = { host: new URL(baseUrl).host };
  const req = {
    method: input.method ?? "GET",
    query: { nextauth: action, ...input.query },
    body: input.body ?? {},
    cookies: Object.fromEntries(input.jar),
    headers,
  };
  await NextAuth(req as never, res as never, authOptions());
  const cookies = setCookie.map(parseSetCookie);
  for (const cookie of cookies) {
    if (cookie.attributes.get("max-age") === "0" || cookie.value === "") input.jar.delete(cookie.name);
    else input.jar.set(cookie.name, cookie.value);
  }
  return { status, location, body, cookies };
}

/**
 * The one session cookie among those issued, with what every session cookie must have:
 * HttpOnly, SameSite=Lax, path /, Secure as asked, and the signed-in user in its JWT.
 */
async function sessionCookie(issued: SetCookie[], expected: { name: string; secure: boolean }): Promise<SetCookie> {
  const session = issued.filter((c) => c.name.endsWith("next-auth.session-token"));
  expect(session.map((c) => c.name)).toEqual([expected.name]);
  const [cookie] = session;
  expect(cookie.attributes.has("secure"), cookie.raw).toBe(expected.secure);
  expect(cookie.attributes.has("httponly"), cookie.raw).toBe(true);
  expect(cookie.attributes.get("samesite")).toBe("Lax");
  expect(cookie.attributes.get("path")).toBe("/");
  // It is the real session: the encrypted JWT names the user who signed in.
  expect((await decode({ token: cookie.value, secret: SECRET }))?.sub).toBe("demo");
  return cookie;
}

/**
 * A whole sign-in as the app does it: csrf token, POST signin/spotify, Spotify's
 * authorize (auto-approved by the fake), then the callback. Returns every cookie set.
 */
async function signInWith(baseUrl: string, fake: FakeSpotifyServer) {
  process.env.NEXTAUTH_URL = baseUrl;
  const jar = new Map<string, string>();
  const issued: SetCookie[] = [];

  const csrf = await nextAuthRequest(baseUrl, ["csrf"], { jar });
  issued.push(...csrf.cookies);
  const csrfToken = (csrf.body as { csrfToken: string }).csrfToken;
  expect(csrfToken).toMatch(/^[0-9a-f]{64}$/);

  const signIn = await nextAuthRequest(baseUrl, ["signin", "spotify"], {
    method: "POST",
    body: { csrfToken, callbackUrl: `${baseUrl}/recommendations` },
    jar,
  });
  issued.push(...signIn.cookies);
  expect(signIn.status).toBe(302);
  const authorize = new URL(signIn.location!);
  expect(`${authorize.origin}${authorize.pathname}`).toBe(`${fake.accountsUrl}/authorize`);
  expect(authorize.searchParams.get("redirect_uri")).toBe(`${baseUrl}/api/auth/callback/spotify`);

  const approved = await fetch(authorize, { redirect: "manual" });
  expect(approved.status).toBe(302);
  const back = new URL(approved.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(`${baseUrl}/api/auth/callback/spotify`);
  expect(back.searchParams.get("code")).toBeTruthy();

  const callback = await nextAuthRequest(baseUrl, ["callback", "spotify"], { query: Object.fromEntries(back.searchParams), jar });
  issued.push(...callback.cookies);
  expect(callback.status).toBe(302);
  expect(callback.location).toBe(`${baseUrl}/recommendations`);
  return issued;
}

describe("session cookie flags follow NEXTAUTH_URL", () => {
  let fake: FakeSpotifyServer;
  let database: TestDatabase;
  const saved = { ...process.env };

  beforeAll(async () => {
    database = await createTestDatabase("auth_cookies");
    fake = await startFakeSpotify({ autoApproveUserId: "demo" });
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      NEXTAUTH_SECRET: SECRET,
      SPOTIFY_CLIENT_ID: "fake-client-id",
      SPOTIFY_CLIENT_SECRET: "fake-client-secret",
      SPOTIFY_ACCOUNTS_URL: fake.accountsUrl,
      SPOTIFY_API_URL: fake.apiUrl,
    });
  });

  afterAll(async () => {
    const holder = globalThis as unknown as { tasteClustersDb?: Promise<{ $disconnect(): Promise<void> }> };
    await (await holder.tasteClustersDb)?.$disconnect();
    holder.tasteClustersDb = undefined;
    await fake?.close();
    await database?.drop();
    for (const key of ["DATABASE_URL", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_ACCOUNTS_URL", "SPOTIFY_API_URL"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it("over https: the session cookie is __Secure-, Secure, HttpOnly, SameSite=Lax, and so is every auth cookie", async () => {
    const issued = await signInWith(HTTPS_URL, fake);
    const cookie = await sessionCookie(issued, { name: "__Secure-next-auth.session-token", secure: true });
    expect(cookie.attributes.has("domain"), cookie.raw).toBe(false);

    // The other cookies of the flow (csrf, callback URL, OAuth state) are Secure too.
    expect(issued.map((c) => c.name)).toEqual(
      expect.arrayContaining(["__Host-next-auth.csrf-token", "__Secure-next-auth.callback-url", "__Secure-next-auth.state"]),
    );
    for (const c of issued) {
      expect(c.name, c.raw).toMatch(/^__(Secure|Host)-next-auth\./);
      expect(c.attributes.has("secure"), c.raw).toBe(true);
      expect(c.attributes.has("httponly"), c.raw).toBe(true);
      expect(c.attributes.get("samesite"), c.raw).toBe("Lax");
    }

    // The session is read back only from the __Secure- cookie: the same token under the
    // plain name (as a non-https page could set it) is not a session.
    process.env.NEXTAUTH_URL = HTTPS_URL;
    const asSecure = await nextAuthRequest(HTTPS_URL, ["session"], { jar: new Map([[cookie.name, cookie.value]]) });
    expect((asSecure.body as { user?: { id: string } }).user?.id).toBe("demo");
    const asPlain = await nextAuthRequest(HTTPS_URL, ["session"], { jar: new Map([["next-auth.session-token", cookie.value]]) });
    expect(asPlain.body).toEqual({});
  });

  it("over loopback http (development): the session cookie is not Secure, still HttpOnly and SameSite=Lax", async () => {
    const issued = await signInWith(LOOPBACK_URL, fake);
    // A Secure cookie would never be sent back over http://127.0.0.1: sign-in would loop.
    await sessionCookie(issued, { name: "next-auth.session-token", secure: false });
  });
});
