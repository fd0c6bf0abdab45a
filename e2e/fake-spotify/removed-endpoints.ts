/**
 * Web API endpoints that a Development Mode app can no longer use (see
 * /work/shared/spotify/README.md). The spec still lists most of them (as deprecated),
 * so both the fake server and the request checker in ./openapi.ts read this list:
 * the fake answers them the way Spotify does, and the checker rejects app requests to them.
 */
export interface RemovedEndpoint {
  /** HTTP method, or "*" for every method. */
  method: string;
  /** Path template relative to /v1, as written in the OpenAPI spec. */
  template: string;
  status: 403 | 404;
  message: string;
  /** Why it is gone and what to use instead (for test failure messages). */
  reason: string;
}

export const REMOVED_ENDPOINTS: readonly RemovedEndpoint[] = [
  {
    method: "POST",
    template: "/users/{user_id}/playlists",
    status: 403,
    // What Spotify answers since the February 2026 Development Mode change.
    message: "You cannot create a playlist for another user",
    reason: "removed for Development Mode apps in 2026; use POST /me/playlists",
  },
  {
    method: "*",
    template: "/playlists/{playlist_id}/tracks",
    status: 403,
    message: "Forbidden",
    reason: "removed for Development Mode apps in 2026; use /playlists/{playlist_id}/items",
  },
  {
    method: "GET",
    template: "/audio-features",
    status: 403,
    message: "Forbidden",
    reason: "removed for new apps in November 2024; audio features come from the dataset",
  },
  {
    method: "GET",
    template: "/audio-features/{id}",
    status: 403,
    message: "Forbidden",
    reason: "removed for new apps in November 2024; audio features come from the dataset",
  },
  {
    method: "GET",
    template: "/audio-analysis/{id}",
    status: 403,
    message: "Forbidden",
    reason: "removed for new apps in November 2024",
  },
  {
    method: "GET",
    template: "/recommendations",
    status: 404,
    message: "Service not found",
    reason: "removed for new apps in November 2024",
  },
  {
    method: "GET",
    template: "/recommendations/available-genre-seeds",
    status: 404,
    message: "Service not found",
    reason: "removed for new apps in November 2024",
  },
  {
    method: "GET",
    template: "/artists/{id}/related-artists",
    status: 403,
    message: "Forbidden",
    reason: "removed for new apps in November 2024",
  },
];

/** "/playlists/{playlist_id}/items" -> /^\/playlists\/([^/]+)\/items$/ */
export function templateToRegExp(template: string): RegExp {
  const source = template
    .split("/")
    .map((segment) =>
      segment.startsWith("{") && segment.endsWith("}") ? "([^/]+)" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}

const compiled = REMOVED_ENDPOINTS.map((endpoint) => ({ endpoint, pattern: templateToRegExp(endpoint.template) }));

/** `path` is relative to /v1 (e.g. "/users/abc/playlists"). */
export function findRemovedEndpoint(method: string, path: string): RemovedEndpoint | undefined {
  const upper = method.toUpperCase();
  return compiled.find(({ endpoint, pattern }) => (endpoint.method === "*" || endpoint.method === upper) && pattern.test(path))
    ?.endpoint;
}
