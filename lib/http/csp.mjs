// The Content Security Policy, in one place. Plain ESM so that next.config.mjs
// (every response) and proxy.ts (pages, with a per-request nonce) both use it.

/**
 * @typedef {object} CspOptions
 * @property {string} [nonce] Per-request nonce: scripts need it ('strict-dynamic' trusts what they load).
 * @property {boolean} [dev] Adds 'unsafe-eval' (React's dev tooling); defaults to NODE_ENV !== "production".
 */

/** The only origin the app frames: Spotify's embed player (https://open.spotify.com/embed/track/<id>). */
export const SPOTIFY_EMBED_ORIGIN = "https://open.spotify.com";

/**
 * The CSP header value.
 * @param {CspOptions} [options]
 * @returns {string}
 */
export function contentSecurityPolicy({ nonce, dev = process.env.NODE_ENV !== "production" } = {}) {
  const scripts = nonce ? ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"] : ["'self'"];
  if (dev) scripts.push("'unsafe-eval'");
  return [
    "default-src 'self'",
    `script-src ${scripts.join(" ")}`,
    "style-src 'self' 'unsafe-inline'", // Next and the taste-mix bars set inline styles
    "img-src 'self' data: https://i.scdn.co",
    "font-src 'self'",
    "connect-src 'self'",
    // The recommendations page's "Preview" opens Spotify's embed player; no other site may be framed.
    `frame-src ${SPOTIFY_EMBED_ORIGIN}`,
    "form-action 'self'", // sign-in leaves for Spotify by script (next-auth's signIn), not by a form
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}
