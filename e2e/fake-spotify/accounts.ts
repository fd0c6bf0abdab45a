/**
 * The Accounts service: GET /accounts/authorize (consent page), POST /accounts/authorize
 * (the page's Agree/Cancel) and POST /accounts/api/token (authorization_code, refresh_token).
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { RequestContext, Route } from "./context";
import { escapeHtml, redirect, sendHtml, sendJson } from "./http";
import type { FakeClient, FakeSpotifyState, RefreshTokenGrant } from "./state";

/** The scopes Spotify knows, with the plain words its consent page uses. */
export const SPOTIFY_SCOPES: Readonly<Record<string, string>> = {
  "app-remote-control": "Communicate with the Spotify app on your device",
  "playlist-read-private": "Access your private playlists",
  "playlist-read-collaborative": "Access your collaborative playlists",
  "playlist-modify-public": "Manage your public playlists",
  "playlist-modify-private": "Manage your private playlists",
  "user-library-read": "Access your saved content (your Liked Songs)",
  "user-library-modify": "Manage your saved content",
  "user-read-private": "Access your subscription details",
  "user-read-email": "Get your real email address",
  "user-follow-read": "Access your followers and who you are following",
  "user-follow-modify": "Manage who you are following",
  "user-top-read": "Read your top artists and content",
  "user-read-playback-position": "Read your position in content you have played",
  "user-read-playback-state": "Read your currently playing content and Spotify Connect devices information",
  "user-read-recently-played": "Access your recently played items",
  "user-read-currently-playing": "Read your currently playing content",
  "user-modify-playback-state": "Control playback on your Spotify clients and Spotify Connect devices",
  "ugc-image-upload": "Upload images to Spotify on your behalf",
  streaming: "Play content and control playback on your other devices",
};

interface AuthorizeRequest {
  client: FakeClient;
  redirectUri: string;
  scopes: string[];
  state: string | null;
  codeChallenge?: string;
  showDialog: boolean;
}

type AuthorizeValidation = { ok: true; request: AuthorizeRequest } | { ok: false; status: number; message: string };

/**
 * Redirect URIs must be HTTPS, or plain HTTP on a loopback IP literal (127.0.0.1 or
 * [::1]). "localhost" is refused, like Spotify does since 2025.
 */
export function redirectUriProblem(redirectUri: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(redirectUri);
  } catch {
    return "INVALID_CLIENT: Invalid redirect URI";
  }
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && (parsed.hostname === "127.0.0.1" || parsed.hostname === "[::1]")) return null;
  return "INVALID_CLIENT: Insecure redirect URI";
}

function validateAuthorizeRequest(params: URLSearchParams, state: FakeSpotifyState): AuthorizeValidation {
  const client = state.clients.get(params.get("client_id") ?? "");
  if (!client) return { ok: false, status: 400, message: "INVALID_CLIENT: Invalid client" };

  const redirectUri = params.get("redirect_uri");
  if (!redirectUri) return { ok: false, status: 400, message: "INVALID_CLIENT: Invalid redirect URI" };
  const insecure = redirectUriProblem(redirectUri);
  if (insecure) return { ok: false, status: 400, message: insecure };
  if (client.redirectUris && !client.redirectUris.includes(redirectUri)) {
    return { ok: false, status: 400, message: "INVALID_CLIENT: Invalid redirect URI" };
  }

  if (params.get("response_type") !== "code") {
    return { ok: false, status: 400, message: "unsupported_response_type: response_type must be code" };
  }

  const scopes = (params.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (scopes.some((scope) => !(scope in SPOTIFY_SCOPES))) {
    return { ok: false, status: 400, message: "INVALID_SCOPE: Illegal scope" };
  }

  const codeChallenge = params.get("code_challenge") ?? undefined;
  const challengeMethod = params.get("code_challenge_method");
  if (codeChallenge !== undefined || challengeMethod !== null) {
    if (challengeMethod !== "S256" || !codeChallenge || !/^[A-Za-z0-9_-]{43,128}$/.test(codeChallenge)) {
      return { ok: false, status: 400, message: "INVALID_REQUEST: code_challenge_method must be S256 with a valid code_challenge" };
    }
  }

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      scopes: [...new Set(scopes)],
      state: params.get("state"),
      codeChallenge,
      showDialog: params.get("show_dialog") === "true",
    },
  };
}

function errorPage(res: ServerResponse, status: number, message: string): void {
  sendHtml(
    res,
    status,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error - Spotify (fake)</title></head>` +
      `<body><main><h1>Oops! Something went wrong, please try again or check out our help area.</h1>` +
      `<p id="error-message">${escapeHtml(message)}</p></main></body></html>`,
  );
}

function redirectBack(res: ServerResponse, request: AuthorizeRequest, params: Record<string, string>): void {
  const target = new URL(request.redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  if (request.state !== null) target.searchParams.set("state", request.state);
  redirect(res, target.toString());
}

function approve(ctx: RequestContext, request: AuthorizeRequest, userId: string): void {
  const grant = ctx.state.createAuthorizationCode({
    clientId: request.client.clientId,
    redirectUri: request.redirectUri,
    userId,
    scopes: request.scopes,
    codeChallenge: request.codeChallenge,
  });
  redirectBack(ctx.res, request, { code: grant.code });
}

/** Field names the consent form posts back; the hidden ones repeat the authorize query. */
const FORWARDED_PARAMS = ["client_id", "response_type", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "show_dialog"];

function consentPage(ctx: RequestContext, request: AuthorizeRequest, params: URLSearchParams): string {
  const hidden = FORWARDED_PARAMS.filter((name) => params.has(name))
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
    .join("\n");
  const users = [...ctx.state.users.values()]
    .map((user) => {
      const checked = user.id === ctx.state.defaultUserId ? " checked" : "";
      const note = user.notAllowlisted ? " (not on the app's user list)" : "";
      return (
        `<li><input type="radio" name="user_id" id="user-${escapeHtml(user.id)}" value="${escapeHtml(user.id)}"${checked}>` +
        ` <label for="user-${escapeHtml(user.id)}">${escapeHtml(user.displayName)} (${escapeHtml(user.id)})${note}</label></li>`
      );
    })
    .join("\n");
  const scopeItems =
    request.scopes.length === 0
      ? `<li>Read your public profile</li>`
      : request.scopes.map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(SPOTIFY_SCOPES[s])}</li>`).join("\n");
  const appName = escapeHtml(request.client.appName);
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Authorize ${appName} - Spotify (fake)</title>
<style>body{font-family:system-ui,sans-serif;background:#121212;color:#fff;display:flex;justify-content:center}main{max-width:28rem;padding:2rem}button{border-radius:2rem;padding:.7rem 2rem;font-weight:700;border:0;margin:.3rem}#agree{background:#1ed760}#cancel{background:transparent;color:#fff;border:1px solid #888}ul{padding-left:1.2rem}</style>
</head>
<body><main>
<p>Fake Spotify (for development and tests)</p>
<h1 id="app-name">${appName}</h1>
<form method="post" action="/accounts/authorize">
${hidden}
<fieldset><legend>Log in as</legend><ul id="users">
${users}
</ul></fieldset>
<h2>You agree that ${appName} can:</h2>
<ul id="scopes">
${scopeItems}
</ul>
<button type="submit" name="decision" value="agree" id="agree">Agree</button>
<button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
</form>
</main></body></html>`;
}

function handleAuthorizePage(ctx: RequestContext): void {
  const params = ctx.url.searchParams;
  const validation = validateAuthorizeRequest(params, ctx.state);
  if (!validation.ok) return errorPage(ctx.res, validation.status, validation.message);
  const autoUser = ctx.state.autoApproveUserId;
  if (autoUser && !validation.request.showDialog && ctx.state.users.has(autoUser)) {
    return approve(ctx, validation.request, autoUser);
  }
  sendHtml(ctx.res, 200, consentPage(ctx, validation.request, params));
}

function handleAuthorizeDecision(ctx: RequestContext): void {
  const form = new URLSearchParams(ctx.bodyText);
  const validation = validateAuthorizeRequest(form, ctx.state);
  if (!validation.ok) return errorPage(ctx.res, validation.status, validation.message);
  if (form.get("decision") !== "agree") return redirectBack(ctx.res, validation.request, { error: "access_denied" });
  const userId = form.get("user_id") ?? ctx.state.defaultUserId;
  if (!ctx.state.users.has(userId)) return errorPage(ctx.res, 400, "Unknown user");
  approve(ctx, validation.request, userId);
}

// ---- token endpoint ---------------------------------------------------------------

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (status === 401) headers["WWW-Authenticate"] = 'Basic realm="spotify"';
  sendJson(res, status, { error, error_description: description }, headers);
}

interface ClientCredentials {
  clientId: string | null;
  clientSecret: string | null;
}

/** Client authentication: HTTP Basic, or client_id/client_secret in the form body. */
function readClientCredentials(ctx: RequestContext, form: URLSearchParams): ClientCredentials {
  const header = ctx.req.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon === -1) return { clientId: decoded, clientSecret: null };
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  return { clientId: form.get("client_id"), clientSecret: form.get("client_secret") };
}

function tokenResponse(
  ctx: RequestContext,
  userId: string,
  clientId: string,
  scopes: string[],
  refreshToken: RefreshTokenGrant | null,
): void {
  const access = ctx.state.issueAccessToken(clientId, userId, scopes);
  sendJson(
    ctx.res,
    200,
    {
      access_token: access.token,
      token_type: "Bearer",
      scope: scopes.join(" "),
      expires_in: ctx.state.options.accessTokenLifetimeSeconds,
      // Left out when the refresh token is not rotated: clients must then keep the one they have.
      ...(refreshToken ? { refresh_token: refreshToken.token } : {}),
    },
    { "Cache-Control": "no-store", Pragma: "no-cache" },
  );
}

function pkceChallengeFor(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

function handleToken(ctx: RequestContext): void {
  const contentType = ctx.req.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return oauthError(ctx.res, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(ctx.bodyText);
  const grantType = form.get("grant_type");
  if (ctx.log && grantType) ctx.log.grantType = grantType;

  const credentials = readClientCredentials(ctx, form);
  const client = credentials.clientId ? ctx.state.clients.get(credentials.clientId) : undefined;
  if (!client) return oauthError(ctx.res, 401, "invalid_client", "Invalid client");
  if (credentials.clientSecret !== null && credentials.clientSecret !== client.clientSecret) {
    return oauthError(ctx.res, 401, "invalid_client", "Invalid client secret");
  }
  const authenticated = credentials.clientSecret !== null;

  if (!grantType) return oauthError(ctx.res, 400, "unsupported_grant_type", "grant_type parameter is missing");

  if (grantType === "authorization_code") {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    if (!code) return oauthError(ctx.res, 400, "invalid_request", "code must be supplied");
    if (!redirectUri) return oauthError(ctx.res, 400, "invalid_request", "redirect_uri must be supplied");
    const grant = ctx.state.codes.get(code);
    if (!grant || grant.clientId !== client.clientId) {
      return oauthError(ctx.res, 400, "invalid_grant", "Invalid authorization code");
    }
    if (grant.used) {
      // A replayed code may mean it leaked: revoke what it produced (RFC 6749 §4.1.2).
      for (const token of grant.issuedRefreshTokens) {
        const issued = ctx.state.refreshTokens.get(token);
        if (issued) issued.revoked = true;
      }
      return oauthError(ctx.res, 400, "invalid_grant", "Invalid authorization code");
    }
    if (grant.expiresAtMs <= ctx.state.nowMs()) {
      return oauthError(ctx.res, 400, "invalid_grant", "Authorization code expired");
    }
    if (grant.redirectUri !== redirectUri) return oauthError(ctx.res, 400, "invalid_grant", "Invalid redirect URI");
    if (grant.codeChallenge) {
      const verifier = form.get("code_verifier");
      if (!verifier || pkceChallengeFor(verifier) !== grant.codeChallenge) {
        return oauthError(ctx.res, 400, "invalid_grant", "code_verifier was incorrect");
      }
    } else if (!authenticated) {
      return oauthError(ctx.res, 401, "invalid_client", "Invalid client secret");
    }
    grant.used = true;
    const refresh = ctx.state.issueRefreshToken(client.clientId, grant.userId, grant.scopes, !authenticated);
    grant.issuedRefreshTokens.push(refresh.token);
    return tokenResponse(ctx, grant.userId, client.clientId, grant.scopes, refresh);
  }

  if (grantType === "refresh_token") {
    const token = form.get("refresh_token");
    if (!token) return oauthError(ctx.res, 400, "invalid_request", "refresh_token must be supplied");
    const grant = ctx.state.refreshTokens.get(token);
    if (!grant || grant.revoked || grant.expiresAtMs <= ctx.state.nowMs() || grant.clientId !== client.clientId) {
      return oauthError(ctx.res, 400, "invalid_grant", "Invalid refresh token");
    }
    if (!authenticated && !grant.publicClient) {
      return oauthError(ctx.res, 401, "invalid_client", "Invalid client secret");
    }
    let next: RefreshTokenGrant | null = null;
    if (ctx.state.options.rotateRefreshTokens) {
      grant.revoked = true;
      // The new token keeps the old expiry: refreshing never extends the 6-month life.
      next = ctx.state.issueRefreshToken(client.clientId, grant.userId, grant.scopes, grant.publicClient, grant.expiresAtMs);
    }
    return tokenResponse(ctx, grant.userId, client.clientId, grant.scopes, next);
  }

  return oauthError(
    ctx.res,
    400,
    "unsupported_grant_type",
    "grant_type must be authorization_code or refresh_token (client_credentials is not implemented by the fake)",
  );
}

export const accountsRoutes: Route[] = [
  { method: "GET", pattern: /^\/accounts\/authorize$/, handle: handleAuthorizePage },
  { method: "POST", pattern: /^\/accounts\/authorize$/, handle: handleAuthorizeDecision },
  { method: "POST", pattern: /^\/accounts\/api\/token$/, handle: handleToken },
];
