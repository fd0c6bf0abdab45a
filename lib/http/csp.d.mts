// Types for csp.mjs (the project does not type-check JavaScript).
export interface CspOptions {
  /** Per-request nonce: scripts need it ('strict-dynamic' trusts what they load). */
  nonce?: string;
  /** Adds 'unsafe-eval' (React's dev tooling); defaults to NODE_ENV !== "production". */
  dev?: boolean;
}

/** The CSP header value. */
export function contentSecurityPolicy(options?: CspOptions): string;

/** The only origin the app frames: Spotify's embed player. */
export const SPOTIFY_EMBED_ORIGIN: string;
