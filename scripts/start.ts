// npm start: the whole app at http://127.0.0.1:3000. Without SPOTIFY_CLIENT_ID it
// runs in demo mode against a local fake Spotify; without DATABASE_URL it uses
// the embedded PostgreSQL under .data/postgres.
import { parseArgs } from "node:util";
import { CatalogFileError } from "../lib/catalog/read";
import { DemoLibraryError } from "../lib/catalog/demo-library";
import { SeedError } from "../lib/catalog/seed";
import { CatalogSourceError } from "../lib/catalog/source";
import { openDatabase } from "../lib/db/database";
import { buildIfStale, startStack } from "./stack";

const USAGE = `usage: npm start [-- --catalog <file|URL>] [--demo-playlist <id|name>]

  --catalog <file|URL>        serve this catalog (a Kaggle/TidyTuesday CSV, .csv.gz, or an http(s) URL
                              of one): seeded when it is not the current catalog, kept otherwise.
                              Default: $TASTE_CLUSTERS_CATALOG, else the current catalog (the bundled
                              sample when the catalog is empty).
  --demo-playlist <id|name>   demo mode, catalog with playlists: the demo user's liked songs are this
                              playlist (default: the catalog's largest playlist).
                              Default: $TASTE_CLUSTERS_DEMO_PLAYLIST.
  -h, --help                  show this help

Environment: SPOTIFY_CLIENT_ID (unset: demo mode with a fake Spotify), DATABASE_URL (unset: embedded
PostgreSQL under .data/postgres), PORT (3000), FAKE_SPOTIFY_PORT (4010); see .env.example.`;

let values: { catalog?: string; "demo-playlist"?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      catalog: { type: "string" },
      "demo-playlist": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  console.error(`npm start: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const catalog = values.catalog ?? (process.env.TASTE_CLUSTERS_CATALOG?.trim() || undefined);
const demoPlaylist = values["demo-playlist"] ?? (process.env.TASTE_CLUSTERS_DEMO_PLAYLIST?.trim() || undefined);
if (catalog !== undefined && catalog.trim() === "") {
  console.error(`npm start: --catalog needs a file or URL\n\n${USAGE}`);
  process.exit(2);
}

const log = (line: string) => console.log(`[taste-clusters] ${line}`);
const demo = !process.env.SPOTIFY_CLIENT_ID;
const port = Number(process.env.PORT ?? 3000);

buildIfStale(log);
const database = await openDatabase({ log });
const stack = await startStack({
  database,
  port,
  catalog: { location: catalog, demoPlaylist },
  fakeSpotify: demo ? { port: Number(process.env.FAKE_SPOTIFY_PORT ?? 4010) } : false,
  log,
}).catch(async (error) => {
  await database.close();
  const known = [CatalogFileError, CatalogSourceError, SeedError, DemoLibraryError].some((type) => error instanceof type);
  if (!known) throw error;
  console.error(`[taste-clusters] ${error.message}`);
  if (!(error instanceof DemoLibraryError)) console.error("[taste-clusters] The catalog was not changed.");
  process.exit(1);
});
if (demo) log("Demo mode: sign in on the fake Spotify's consent page as “Demo Listener”.");
log("Press Ctrl+C to stop.");

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  log("Stopping…");
  await stack.stop();
  await database.close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
