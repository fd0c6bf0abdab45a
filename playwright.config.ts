import { defineConfig } from "@playwright/test";

// End-to-end tests run the built app (next build + next start) against the fake
// Spotify, in Debian's Chromium: browsers cannot be downloaded here.
// Overridable so that two checkouts can run their tests side by side.
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // one fake Spotify and one database are shared by the tests
  retries: 0,
  // The app server's output goes to e2e-logs/app-server.log; the second reporter prints the part
  // of it a failed test produced (E2E_SERVER_LOG=1 prints all of it as it comes).
  reporter: [["list"], ["./e2e/support/server-log-reporter.ts"]],
  outputDir: "test-results",
  globalSetup: "./e2e/support/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
