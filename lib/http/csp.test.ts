import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./csp.mjs";

const directives = (csp: string) => Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("the Content Security Policy", () => {
  it("for pages: scripts need the nonce, and 'strict-dynamic' trusts what they load; no inline scripts otherwise", () => {
    const csp = directives(contentSecurityPolicy({ nonce: "abc123==", dev: false }));
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
  });

  it("without a nonce (API routes, static files): own-origin scripts only", () => {
    expect(directives(contentSecurityPolicy({ dev: false }))["script-src"]).toEqual(["'self'"]);
  });

  it("adds 'unsafe-eval' in development only", () => {
    expect(directives(contentSecurityPolicy({ nonce: "n", dev: true }))["script-src"]).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy({ nonce: "n", dev: false })).not.toContain("'unsafe-eval'");
  });

  it("frames Spotify's embed player and nothing else", () => {
    for (const nonce of ["n", undefined]) {
      expect(directives(contentSecurityPolicy({ nonce, dev: false }))["frame-src"]).toEqual(["https://open.spotify.com"]);
    }
  });

  it("keeps the other directives the same with and without a nonce", () => {
    const withNonce = directives(contentSecurityPolicy({ nonce: "n", dev: false }));
    const without = directives(contentSecurityPolicy({ dev: false }));
    delete withNonce["script-src"];
    delete without["script-src"];
    expect(withNonce).toEqual(without);
    expect(without).toEqual({
      "default-src": ["'self'"],
      "style-src": ["'self'", "'unsafe-inline'"],
      "img-src": ["'self'", "data:", "https://i.scdn.co"],
      "font-src": ["'self'"],
      "connect-src": ["'self'"],
      "frame-src": ["https://open.spotify.com"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
      "base-uri": ["'self'"],
      "object-src": ["'none'"],
    });
  });
});
