// npm run recommend -- --ids id1,id2,... [--limit 20] [--min-popularity 70] [--mix] [--json]
// Ids may also come on standard input, separated by commas, spaces or newlines.
import { parseArgs } from "node:util";
import { createDb } from "../lib/db/client";
import { openDatabase } from "../lib/db/database";
import { describeIssues, recommendationRequestSchema } from "../lib/recommend/request";
import { CatalogNotSeededError, recommend, type RecommendationResult } from "../lib/recommend/service";

const { values } = parseArgs({
  options: {
    ids: { type: "string" },
    limit: { type: "string" },
    "min-popularity": { type: "string" },
    "max-per-artist": { type: "string" },
    mix: { type: "boolean", default: false },
    "no-explicit": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

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
  console.error("usage: npm run recommend -- --ids id1,id2,... [--limit N] [--min-popularity N] [--mix] [--json]");
  process.exit(2);
}

const database = await openDatabase();
const db = createDb(database.url);
try {
  const result = await recommend(db, parsed.data);
  if (values.json) console.log(JSON.stringify(result, null, 2));
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
