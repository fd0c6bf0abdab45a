// npm run recommend -- --ids id1,id2,... [--limit 20] [--min-popularity 0] [--mix] [--json]
// Ids may also come on standard input, separated by commas, spaces or newlines.
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/client";
import { openDatabase } from "../lib/db/database";
import { roundedJson } from "../lib/http/json";
import { describeIssues, recommendationRequestSchema } from "../lib/recommend/request";
import { CatalogNotSeededError, recommend, type RecommendationResult } from "../lib/recommend/service";

const USAGE = `usage: npm run recommend -- --ids id1,id2,... [options]
       cat ids.txt | npm run recommend -- [options]      (ids on standard input: commas, spaces or newlines)

  --ids <ids>               Spotify track ids, comma-separated (or give them on standard input)
  --limit <N>               how many songs (1–100, default 20)
  --min-popularity <N>      popularity floor (0–100, default 0: popularity still counts in the ranking)
  --max-per-artist <N>      at most N songs by one artist (default 3)
  --mix                     from every cluster of the tracks in proportion, not only the dominant one
  --no-explicit             leave explicit songs out (where the catalog has the flag)
  --json                    the full answer as JSON, as POST /api/recommendations gives it
  -h, --help                show this help`;

let values: {
  ids?: string; limit?: string; "min-popularity"?: string; "max-per-artist"?: string;
  mix?: boolean; "no-explicit"?: boolean; json?: boolean; help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      ids: { type: "string" },
      limit: { type: "string" },
      "min-popularity": { type: "string" },
      "max-per-artist": { type: "string" },
      mix: { type: "boolean", default: false },
      "no-explicit": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (error) {
  console.error(`npm run recommend: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const idText = values.ids ?? (await readStdin());
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const parsed = recommendationRequestSchema.safeParse({
  trackIds: idText.split(/[\s,]+/).filter(Boolean),
  limit: number(values.limit),
  minPopularity: number(values["min-popularity"]),
  maxPerArtist: number(values["max-per-artist"]),
  mode: values.mix ? "mix" : "dominant",
  allowExplicit: !values["no-explicit"],
});
if (!parsed.success) {
  console.error(`Bad input: ${describeIssues(parsed.error).replaceAll("trackIds", "--ids")}`);
  console.error(USAGE);
  process.exit(2);
}

const database = await openDatabase();
const db = createDb(database.url);
try {
  const result = await recommend(db, parsed.data);
  if (values.json) console.log(roundedJson(result, 2));
  else print(result);
} catch (error) {
  if (!(error instanceof CatalogNotSeededError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await database.close();
}

function print(r: RecommendationResult) {
  if (r.matched.notFound.length) console.log(`Not in the catalog (${r.matched.notFound.length}): ${r.matched.notFound.join(", ")}`);
  if (!r.dominant) {
    console.log("None of these tracks is in the catalog: no cluster to recommend from.");
    process.exitCode = 1;
    return;
  }
  const d = r.dominant;
  console.log(`Dominant cluster: #${d.id} "${d.label}" (${d.count} of ${r.matched.byId + r.matched.byName} tracks, ${d.size} in the catalog)`);
  if (d.topGenres.length) console.log(`  holds: ${d.topGenres.map((g) => `${g.genre} ${Math.round(g.share * 100)}%`).join(", ")}`);
  if (r.shares.length > 1) console.log(`Taste mix: ${r.shares.map((s) => `${s.label} ${Math.round(s.share * 100)}%`).join(", ")}`);
  if (r.notice) console.log(`Note: ${r.notice}`);
  console.log("");
  r.recommendations.forEach(({ track, why }, i) => {
    const facts = [track.releaseYear, track.genres.slice(0, 2).join(", "), `popularity ${track.popularity}`].filter((f) => f !== null && f !== "");
    console.log(
      `${String(i + 1).padStart(3)}. ${track.name} — ${track.artists.join(", ")} (${facts.join(", ")})` +
        `\n     https://open.spotify.com/track/${track.id}${why.length ? `\n     why: ${why.join("; ")}` : ""}`,
    );
  });
}
