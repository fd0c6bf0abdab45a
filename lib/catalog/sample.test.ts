import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { matchKey, parsePythonList } from "./parse";
import { readCatalog } from "./read";
import {
  SAMPLE_SEED,
  TASTE_GROUPS,
  artistsCsv,
  demoUserJson,
  generateSample,
  tracksCsv,
  type DemoSavedTrack,
  type SampleTrack,
} from "./sample";
import { CLUSTER_FEATURES, type CatalogTrack } from "./types";

const SAMPLE_DIRECTORY = fileURLToPath(new URL("../../prisma/sample/", import.meta.url));
const sample = generateSample();
const files = {
  "tracks.csv": tracksCsv(sample.tracks),
  "artists.csv": artistsCsv(sample.artists),
  "demo-user.json": demoUserJson(sample.demoUser),
};

function withoutGroup({ group: _group, ...track }: SampleTrack): CatalogTrack {
  return track;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Tracks by matchKey (Map.groupBy needs Node 21). */
function releasesByKey(tracks: readonly SampleTrack[]): Map<string, SampleTrack[]> {
  const releases = new Map<string, SampleTrack[]>();
  for (const track of tracks) {
    const key = matchKey(track.name, track.artists[0]);
    releases.set(key, [...(releases.get(key) ?? []), track]);
  }
  return releases;
}

describe("generateSample", () => {
  it("is deterministic for a seed", () => {
    const again = generateSample(SAMPLE_SEED);
    expect(tracksCsv(again.tracks)).toBe(files["tracks.csv"]);
    expect(artistsCsv(again.artists)).toBe(files["artists.csv"]);
    expect(demoUserJson(again.demoUser)).toBe(files["demo-user.json"]);
    expect(tracksCsv(generateSample(SAMPLE_SEED + 1).tracks)).not.toBe(files["tracks.csv"]);
  });

  it.each(Object.keys(files))("matches prisma/sample/%s (else run `npx tsx scripts/make-sample.ts`)", (name) => {
    expect(readFileSync(`${SAMPLE_DIRECTORY}${name}`, "utf8")).toBe(files[name as keyof typeof files]);
  });

  it("writes tracks.csv rows that all pass validation and read back unchanged", async () => {
    const parsed: CatalogTrack[] = [];
    for await (const row of readCatalog(`${SAMPLE_DIRECTORY}tracks.csv`)) {
      if (!row.ok) throw new Error(`line ${row.line}: ${row.reason}`);
      parsed.push(row.track);
    }
    expect(parsed).toEqual(sample.tracks.map(withoutGroup));
    expect(Buffer.byteLength(Object.values(files).join(""))).toBeLessThan(1024 * 1024);
  });

  it("has distinct taste groups, each with its own artists and a fair share of popular tracks", () => {
    expect(TASTE_GROUPS.length).toBeGreaterThanOrEqual(6);
    expect(sample.tracks.length).toBeGreaterThan(2500);
    for (const group of TASTE_GROUPS) {
      const tracks = sample.tracks.filter((track) => track.group === group.name);
      const artists = sample.artists.filter((artist) => artist.group === group.name);
      expect(artists.length).toBeGreaterThanOrEqual(15);
      expect(artists.length).toBeLessThanOrEqual(25);
      expect(tracks.filter((track) => track.popularity > 70).length / tracks.length).toBeGreaterThan(0.2);
      expect(Math.max(...tracks.map((track) => track.popularity))).toBeLessThanOrEqual(95);
      expect(new Set(tracks.map((track) => track.releaseDate.length))).toEqual(new Set([4, 7, 10]));
    }
  });

  it("draws each group's features around its means", () => {
    for (const group of TASTE_GROUPS) {
      const tracks = sample.tracks.filter((track) => track.group === group.name);
      for (const feature of CLUSTER_FEATURES) {
        const tolerance = feature === "tempo" ? 5 : 0.05;
        const drawn = mean(tracks.map((track) => track[feature]));
        expect(Math.abs(drawn - group.features[feature].mean), `${group.name} ${feature}`).toBeLessThan(tolerance);
      }
    }
  });

  it("gives tracks and artists unique base62 ids, and credits only listed artists", () => {
    const ids = [...sample.tracks.map((track) => track.id), ...sample.artists.map((artist) => artist.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{22}$/);

    const rows: Record<string, string>[] = parse(files["artists.csv"], { columns: true });
    expect(rows.map((row) => row.id)).toEqual(sample.artists.map((artist) => artist.id));
    for (const row of rows) expect(parsePythonList(row.genres)?.length).toBeGreaterThan(0);
    const nameOfArtist = new Map(rows.map((row) => [row.id, row.name]));
    for (const track of sample.tracks) {
      expect(track.idArtists.map((id) => nameOfArtist.get(id))).toEqual(track.artists);
    }
  });

  it("includes re-releases, guest credits and names with commas, quotes and accents", () => {
    const releases = releasesByKey(sample.tracks);
    const reReleased = [...releases.values()].filter((tracks) => tracks.length > 1);
    expect(reReleased.length).toBe(3 * TASTE_GROUPS.length);
    expect(reReleased.some((tracks) => tracks.some((track) => / - Remastered \d{4}$/.test(track.name)))).toBe(true);
    expect(sample.tracks.some((track) => track.name.includes("(feat. ") && track.artists.length === 2)).toBe(true);

    const artistNames = sample.artists.map((artist) => artist.name);
    for (const tricky of [/,/, /'/, /"/, /[^\p{ASCII}]/u]) expect(artistNames.some((name) => tricky.test(name))).toBe(true);
    expect(sample.tracks.some((track) => /[^\p{ASCII}]/u.test(track.name))).toBe(true);
    expect(sample.tracks.some((track) => track.name.includes(","))).toBe(true);
  });
});

describe("demo user", () => {
  const { demoUser, tracks } = sample;
  const trackById = new Map(tracks.map((track) => [track.id, track]));
  const releasesOfKey = releasesByKey(tracks);

  function resolve(saved: DemoSavedTrack): { how: "id" | "name" | "none" | "local"; track?: SampleTrack } {
    if (saved.isLocal) return { how: "local" };
    const byId = trackById.get(saved.id ?? "");
    if (byId !== undefined) return { how: "id", track: byId };
    const byName = releasesOfKey.get(matchKey(saved.name, saved.artists[0]));
    return byName?.length === 1 ? { how: "name", track: byName[0] } : { how: "none" };
  }
  const resolved = demoUser.savedTracks.map(resolve);
  const count = (how: string) => resolved.filter((result) => result.how === how).length;

  it("has about 120 saved tracks, newest first", () => {
    expect(demoUser.savedTracks.length).toBeGreaterThanOrEqual(110);
    expect(demoUser.savedTracks.length).toBeLessThanOrEqual(130);
    const addedAt = demoUser.savedTracks.map((saved) => saved.addedAt);
    expect(addedAt).toEqual([...addedAt].sort().reverse());
    for (const time of addedAt) expect(new Date(time).toISOString().replace(".000Z", "Z")).toBe(time);
  });

  it("likes mostly one group, then a second", () => {
    const groups = resolved.flatMap((result) => (result.track ? [result.track.group] : []));
    const share = (group: string) => groups.filter((name) => name === group).length / demoUser.savedTracks.length;
    expect(share(demoUser.dominantGroup)).toBeGreaterThan(0.65);
    expect(share(demoUser.dominantGroup)).toBeLessThan(0.8);
    expect(share(demoUser.secondaryGroup)).toBeGreaterThan(0.15);
    expect(share(demoUser.secondaryGroup)).toBeLessThan(0.25);
  });

  it("has songs found only by name, songs not in the catalog and local files", () => {
    expect(count("name")).toBe(8);
    expect(count("none")).toBe(4);
    expect(count("local")).toBe(2);
    for (const saved of demoUser.savedTracks.filter((_, at) => resolved[at].how === "name")) {
      expect(saved.id).toMatch(/^[0-9A-Za-z]{22}$/);
    }
    for (const saved of demoUser.savedTracks.filter((saved) => saved.isLocal)) expect(saved.id).toBeNull();
  });
});
