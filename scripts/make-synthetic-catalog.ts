// npx tsx scripts/make-synthetic-catalog.ts <out.csv.gz> [--rows 586672]
// A full-size stand-in for the Kaggle file (same format), for benchmarks on a
// machine without ../shared/data: the bundled sample's rows repeated with new
// ids and jittered features. Deterministic.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { createGzip } from "node:zlib";
import { seededRandom } from "../lib/random";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: "string", default: "586672" } } });
const out = positionals[0];
if (!out) {
  console.error("usage: npx tsx scripts/make-synthetic-catalog.ts <out.csv.gz> [--rows N]");
  process.exit(2);
}
const [header, ...rows] = fs.readFileSync("prisma/sample/tracks.csv", "utf8").trimEnd().split("\n");
const random = seededRandom(586);
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const id = () => Array.from({ length: 22 }, () => BASE62[Math.floor(random() * 62)]).join("");
// Columns 8..18 after the quoted fields are numeric features; jitter the 0..1 ones.
const UNIT_FEATURES = /,(0\.\d+),(0\.\d+),(\d+),(-?[\d.]+),([01]),(0\.\d+),(0\.\d+),(0\.\d+),(0\.\d+),(0\.\d+),([\d.]+),(\d)$/;
const jitter = (v: string) => Math.min(1, Math.max(0, Number(v) + (random() - 0.5) * 0.1)).toFixed(3);

const gzip = createGzip();
gzip.pipe(fs.createWriteStream(out));
gzip.write(`${header}\n`);
const total = Number(values.rows);
for (let i = 0; i < total; i++) {
  const row = rows[i % rows.length].replace(/^[^,]+/, id());
  const line = row.replace(UNIT_FEATURES, (_m, d, e, k, l, mode, s, a, ins, live, v, t, ts) =>
    `,${jitter(d)},${jitter(e)},${k},${l},${mode},${jitter(s)},${jitter(a)},${jitter(ins)},${jitter(live)},${jitter(v)},${t},${ts}`);
  if (!gzip.write(`${line}\n`)) await new Promise((resolve) => gzip.once("drain", resolve));
}
gzip.end();
await new Promise((resolve) => gzip.on("end", resolve));
console.log(`wrote ${total} rows to ${out}`);
