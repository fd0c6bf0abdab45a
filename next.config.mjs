import { contentSecurityPolicy } from "./lib/http/csp.mjs";

// Security headers for every response. The CSP here has no nonce (so no inline
// scripts at all); pages get the same policy with a per-request nonce from proxy.ts.
const csp = contentSecurityPolicy();

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native binaries and the Postgres driver stay plain Node modules, not bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg"],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Content-Security-Policy", value: csp },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
