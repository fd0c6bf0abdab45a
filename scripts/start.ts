// npm start: the whole app at http://127.0.0.1:3000. Without SPOTIFY_CLIENT_ID it
// runs in demo mode against a local fake Spotify; without DATABASE_URL it uses
// the embedded PostgreSQL under .data/postgres.
import { openDatabase } from "../lib/db/database";
import { buildIfStale, startStack } from "./stack";

const log = (line: string) => console.log(`[taste-clusters] ${line}`);
const demo = !process.env.SPOTIFY_CLIENT_ID;
const port = Number(process.env.PORT ?? 3000);

buildIfStale(log);
const database = await openDatabase({ log });
const stack = await startStack({
  database,
  port,
  fakeSpotify: demo ? { port: Number(process.env.FAKE_SPOTIFY_PORT ?? 4010) } : false,
  log,
}).catch(async (error) => {
  await database.close();
  throw error;
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
