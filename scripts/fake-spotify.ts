/**
 * Runs the fake Spotify (Accounts service + Web API) for development and the demo.
 *
 *   npx tsx scripts/fake-spotify.ts [--port 4010] [--library prisma/sample/demo-user.json]
 *       [--library-size N] [--latency-ms N] [--rate-429 0.05] [--rate-5xx 0.01]
 *       [--retry-after 1] [--seed 1] [--expires-in 3600] [--no-rotate-refresh-tokens]
 *       [--auto-approve demo] [--client-id ID --client-secret SECRET]
 *
 * The implementation is in e2e/fake-spotify; see its README.md.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_CLIENT, sampleLibraryPathIfPresent, startFakeSpotify } from "@/e2e/fake-spotify";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    host: { type: "string", default: "127.0.0.1" },
    library: { type: "string" },
    "library-size": { type: "string" },
    "latency-ms": { type: "string" },
    "rate-429": { type: "string" },
    "rate-5xx": { type: "string" },
    "retry-after": { type: "string" },
    "timeout-rate": { type: "string" },
    seed: { type: "string" },
    "expires-in": { type: "string" },
    "no-rotate-refresh-tokens": { type: "boolean", default: false },
    "auto-approve": { type: "string" },
    "client-id": { type: "string", default: DEFAULT_CLIENT.clientId },
    "client-secret": { type: "string", default: DEFAULT_CLIENT.clientSecret },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(
    "Usage: npx tsx scripts/fake-spotify.ts [--port 4010] [--library FILE] [--library-size N] [--latency-ms N] " +
      "[--rate-429 P] [--rate-5xx P] [--retry-after S] [--timeout-rate P] [--seed N] [--expires-in S] " +
      "[--no-rotate-refresh-tokens] [--auto-approve USER] [--client-id ID] [--client-secret SECRET]",
  );
  process.exit(0);
}

function numberFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    console.error(`--${name} must be a number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

const libraryPath = values.library ?? sampleLibraryPathIfPresent();
if (libraryPath !== undefined && !existsSync(libraryPath)) {
  console.error(`--library: no such file ${libraryPath}`);
  process.exit(2);
}
const faults = {
  latencyMs: numberFlag("latency-ms", values["latency-ms"]),
  rate429: numberFlag("rate-429", values["rate-429"]),
  rate5xx: numberFlag("rate-5xx", values["rate-5xx"]),
  retryAfterSeconds: numberFlag("retry-after", values["retry-after"]),
  timeoutRate: numberFlag("timeout-rate", values["timeout-rate"]),
};

const fake = await startFakeSpotify({
  port: numberFlag("port", values.port),
  host: values.host,
  libraryPath,
  librarySize: numberFlag("library-size", values["library-size"]),
  seed: numberFlag("seed", values.seed),
  accessTokenLifetimeSeconds: numberFlag("expires-in", values["expires-in"]),
  rotateRefreshTokens: !values["no-rotate-refresh-tokens"],
  autoApproveUserId: values["auto-approve"] ?? null,
  clients: [{ clientId: values["client-id"], clientSecret: values["client-secret"], appName: "Taste Clusters" }],
  faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
});

const users = [...fake.state.users.values()]
  .map((u) => `${u.id} (${u.savedTracks.length} liked songs${u.notAllowlisted ? ", not on the app's user list" : ""})`)
  .join(", ");
console.log(`Fake Spotify listening on ${fake.url}
  accounts base: ${fake.accountsUrl}   (authorize: ${fake.accountsUrl}/authorize, token: ${fake.accountsUrl}/api/token)
  api base:      ${fake.apiUrl}
  client:        ${values["client-id"]} / ${values["client-secret"]}
  library:       ${libraryPath ?? "built-in fixture (e2e/fake-spotify/fixtures/demo-user.json)"}
  users:         ${users}
  control:       ${fake.url}/__control/...`);

function shutdown(): void {
  void fake.close().then(() => process.exit(0));
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
