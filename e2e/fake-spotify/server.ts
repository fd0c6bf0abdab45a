/**
 * The fake Spotify's HTTP server: one node:http server for the Accounts service
 * (/accounts), the Web API (/v1), album art (/images) and test control (/__control).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { accountsRoutes } from "./accounts";
import type { RequestContext, Route } from "./context";
import { controlRoutes } from "./control";
import { readBody, sendSpotifyError, sleep, SpotifyApiError } from "./http";
import { renderAlbumArtSvg, type RenderContext } from "./spotify-objects";
import { FakeSpotifyState, type FakeSpotifyOptions, type RequestLogEntry } from "./state";
import { handleRemovedEndpoint, webApiRoutes } from "./web-api";

export interface FakeSpotifyServer {
  /** e.g. "http://127.0.0.1:4010" */
  url: string;
  port: number;
  /** Accounts base for the app: `${url}/accounts` (authorize at /authorize, token at /api/token). */
  accountsUrl: string;
  /** Web API base for the app: `${url}/v1`. */
  apiUrl: string;
  state: FakeSpotifyState;
  close(): Promise<void>;
}

/** Query parameters whose values must never reach the request log. */
const SECRET_QUERY_PARAMS = new Set(["code", "state", "code_verifier", "code_challenge", "client_secret", "refresh_token", "access_token"]);

function loggableQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] = SECRET_QUERY_PARAMS.has(key) ? "[redacted]" : value;
  return query;
}

const imageRoute: Route = {
  method: "GET",
  pattern: /^\/images\/([0-9A-Za-z]{22})\/(\d{1,4})\.svg$/,
  handle(ctx) {
    const svg = renderAlbumArtSvg(ctx.params[0], Number(ctx.params[1]));
    ctx.res.writeHead(200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" });
    ctx.res.end(svg);
  },
};

type RouteMatch = { route: Route; params: string[] } | { methodNotAllowed: true } | null;

function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method === method) return { route, params: match.slice(1) };
    pathMatched = true;
  }
  return pathMatched ? { methodNotAllowed: true } : null;
}

const ROUTES: readonly Route[] = [...accountsRoutes, ...webApiRoutes, imageRoute];

export async function startFakeSpotify(options: FakeSpotifyOptions = {}): Promise<FakeSpotifyServer> {
  const state = new FakeSpotifyState(options);
  const host = options.host ?? "127.0.0.1";
  const hungSockets = new Set<Socket>();
  let render: RenderContext = { apiBase: "", origin: "" };

  async function dispatch(ctx: RequestContext, path: string): Promise<void> {
    if (path.startsWith("/__control/")) {
      const match = matchRoute(controlRoutes, ctx.method, path);
      if (!match) return sendSpotifyError(ctx.res, 404, "Unknown control endpoint");
      if ("methodNotAllowed" in match) return sendSpotifyError(ctx.res, 405, "Method not allowed");
      ctx.params = match.params;
      return match.route.handle(ctx);
    }

    const isWebApi = path === "/v1" || path.startsWith("/v1/");
    // Judged on arrival: a request already on its way when a 429 was decided (during the
    // simulated latency) could not have known about it, so it did not ignore Retry-After.
    if (isWebApi && ctx.log && state.faults.isRateLimited(state.nowMs())) ctx.log.retryAfterIgnored = true;
    if (state.faults.settings.latencyMs > 0) await sleep(state.faults.settings.latencyMs);
    const fault = state.faults.decide({ method: ctx.method, path, isWebApi }, state.nowMs());
    if (fault?.kind === "timeout") {
      // Never answer; the socket is destroyed later (or by close()).
      if (ctx.log) ctx.log.fault = fault.reason;
      const socket = ctx.req.socket;
      hungSockets.add(socket);
      socket.once("close", () => hungSockets.delete(socket));
      setTimeout(() => socket.destroy(), state.options.timeoutHangMs).unref();
      return;
    }
    if (fault) {
      if (ctx.log) ctx.log.fault = fault.reason;
      const headers: Record<string, string> =
        fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : {};
      return sendSpotifyError(ctx.res, fault.status, fault.message, headers);
    }

    if (isWebApi && handleRemovedEndpoint(ctx, path.slice("/v1".length))) return;
    const match = matchRoute(ROUTES, ctx.method, path);
    if (!match) return sendSpotifyError(ctx.res, 404, "Service not found");
    if ("methodNotAllowed" in match) return sendSpotifyError(ctx.res, 405, "Method not allowed");
    ctx.params = match.params;
    await match.route.handle(ctx);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedMs = Date.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", render.origin);
    const path = url.pathname;
    const log: RequestLogEntry | null = path.startsWith("/__control/")
      ? null
      : state.startLogEntry(method, path, loggableQuery(url.searchParams));
    res.on("finish", () => {
      if (!log) return;
      log.status = res.statusCode;
      log.durationMs = Date.now() - startedMs;
    });

    const ctx: RequestContext = { req, res, method, url, params: [], state, render, bodyText: "", log };
    try {
      ctx.bodyText = await readBody(req);
      // Logged on arrival, so a token request that a fault answers (or leaves hanging) says which grant it was.
      if (log && path === "/accounts/api/token") log.grantType = new URLSearchParams(ctx.bodyText).get("grant_type") ?? undefined;
      if (log && path.startsWith("/v1/") && ctx.bodyText.trim() !== "") {
        try {
          log.body = JSON.parse(ctx.bodyText) as unknown;
        } catch {
          log.body = ctx.bodyText;
        }
      }
      await dispatch(ctx, path);
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof SpotifyApiError) {
        sendSpotifyError(res, error.status, error.message, error.headers);
      } else {
        console.error("[fake-spotify] unexpected error", error);
        sendSpotifyError(res, 500, "Server error.");
      }
    }
  }

  const server = createServer((req, res) => void handleRequest(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  const url = `http://${hostForUrl}:${port}`;
  render = { origin: url, apiBase: `${url}/v1` };

  return {
    url,
    port,
    accountsUrl: `${url}/accounts`,
    apiUrl: `${url}/v1`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of hungSockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
