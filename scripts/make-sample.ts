// Writes the deterministic sample catalog and demo user to prisma/sample/. Run: npx tsx scripts/make-sample.ts
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TASTE_GROUPS, artistsCsv, demoUserJson, generateSample, tracksCsv } from "../lib/catalog/sample";

const SAMPLE_DIRECTORY = join(import.meta.dirname, "..", "prisma", "sample");
const POPULAR = 70;

const sample = generateSample();
mkdirSync(SAMPLE_DIRECTORY, { recursive: true });
const files = {
  "tracks.csv": tracksCsv(sample.tracks),
  "artists.csv": artistsCsv(sample.artists),
  "demo-user.json": demoUserJson(sample.demoUser),
};
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(SAMPLE_DIRECTORY, name), content);
  console.log(`${name.padEnd(15)} ${(Buffer.byteLength(content) / 1024).toFixed(0).padStart(5)} KiB`);
}

console.log(`\n${"group".padEnd(20)} tracks  artists  popularity>${POPULAR}`);
for (const group of TASTE_GROUPS) {
  const tracks = sample.tracks.filter((track) => track.group === group.name);
  const artists = sample.artists.filter((artist) => artist.group === group.name);
  const popular = tracks.filter((track) => track.popularity > POPULAR).length;
  console.log(`${group.name.padEnd(20)} ${String(tracks.length).padStart(6)} ${String(artists.length).padStart(8)} ${String(popular).padStart(15)}`);
}
console.log(`\ndemo user: ${sample.demoUser.savedTracks.length} saved tracks, dominant group "${sample.demoUser.dominantGroup}"`);
