// npx tsx scripts/make-synthetic-catalog.ts <out.csv.gz> [--rows 586672]
// A full-size stand-in for the Kaggle file (same format), for benchmarks on a
// machine without ../shared/data. Deterministic. Each copy of the bundled
// sample gets new track and artist ids, numbered titles and artist names
// ("Voltage Anthem 17" by "Kairo 17"), popularity moved by up to ±10 and
// jittered 0..1 features, so that, as in the real file, titles, artists and
// the popular end of each cluster are not one song repeated hundreds of times.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { parse } from "csv-parse/sync";
import { seededRandom } from "../lib/random";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: "string", default: "586672" } } });
const out = positionals[0];
if (!out) {
  console.error("usage: npx tsx scripts/make-synthetic-catalog.ts <out.csv.gz> [--rows N]");
  process.exit(2);
}
// csv-parse (a devDependency) reads the 3,000-row sample; the seed itself has its own streaming reader.
const [header, ...rows] = parse(fs.readFileSync("prisma/sample/tracks.csv", "utf8")) as string[][];
const column = (name: string) => header.indexOf(name);
const [ID, NAME, POPULARITY, ARTISTS, ID_ARTISTS] = ["id", "name", "popularity", "artists", "id_artists"].map(column);
const UNIT_FEATURES = ["danceability", "energy", "speechiness", "acousticness", "instrumentalness", "liveness", "valence"].map(column);

const random = seededRandom(586);
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const newId = () => Array.from({ length: 22 }, () => BASE62[Math.floor(random() * 62)]).join("");
const jitter = (v: string) => Math.min(1, Math.max(0, Number(v) + (random() - 0.5) * 0.1)).toFixed(3);
/** Every element of a Python list literal (['a', "b's"]) gets the suffix. */
const suffixEach = (list: string, suffix: string) =>
  list.replace(/(['"])((?:\\.|(?!\1)[^\\])*)\1/g, (_m, q, text) => `${q}${text}${suffix}${q}`);
const csvField = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const gzip = createGzip();
gzip.pipe(fs.createWriteStream(out));
gzip.write(`${header.join(",")}\n`);
const total = Number(values.rows);
for (let i = 0; i < total; i++) {
  const copy = Math.floor(i / rows.length);
  const row = [...rows[i % rows.length]];
  row[ID] = newId();
  if (copy > 0) {
    row[NAME] = `${row[NAME]} ${copy}`;
    row[ARTISTS] = suffixEach(row[ARTISTS], ` ${copy}`);
    row[ID_ARTISTS] = row[ID_ARTISTS].replace(/'[0-9A-Za-z]{22}'/g, () => `'${newId()}'`);
    row[POPULARITY] = String(Math.min(100, Math.max(0, Number(row[POPULARITY]) + Math.round((random() - 0.5) * 20))));
  }
  for (const c of UNIT_FEATURES) row[c] = jitter(row[c]);
  if (!gzip.write(`${row.map(csvField).join(",")}\n`)) await new Promise((resolve) => gzip.once("drain", resolve));
}
gzip.end();
await new Promise((resolve) => gzip.on("end", resolve));
console.log(`wrote ${total} rows to ${out}`);
