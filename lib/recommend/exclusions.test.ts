// "Not for me" storage (user_exclusions) against a real, migrated database, and its effect on
// the recommendations: hidden songs and artists are left out and the next best songs fill in.
import fs from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalog } from "../catalog/seed";
import { seedWorkspace } from "../testing/seed-workspace";
import { addExclusion, excludedForRequest, excludedWithVersions, exclusionSchema, exclusionsFor, hiddenItems, removeExclusion } from "./exclusions";
import { DEFAULT_REQUEST, recommend } from "./service";

const HEADER =
  "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,track_album_release_date," +
  "playlist_name,playlist_id,playlist_genre,playlist_subgenre,danceability,energy,key,loudness,mode,speechiness," +
  "acousticness,instrumentalness,liveness,valence,tempo,duration_ms";

const id = (n: number) => `t${String(n).padStart(21, "0")}`;

function row(n: number, artist: string, popularity: number, name = `Song ${n}`): string {
  return [
    id(n), name, artist, popularity, "a".repeat(22), "Album", "2019-06-14", "Playlist A", "pA".padEnd(22, "0"), "rap", "rap sub",
    0.8, 0.6, 1, -6, 1, 0.35 + n / 1000, 0.1, 0, 0.1, 0.5, 90 + n / 10, 200000,
  ].join(",");
}

describe("user exclusions (Not for me)", () => {
  const workspace = seedWorkspace("exclusions");

  beforeAll(async () => {
    const rows = [
      row(1, "Liked MC", 50),
      ...Array.from({ length: 12 }, (_, i) => row(10 + i, `Rapper ${i % 6}`, 90 - i)),
      row(40, "Rapper 0", 20, "Song 10 - Remastered 2011"), // another version of Song 10
    ];
    const file = path.join(workspace.work, "spotify_songs.csv");
    await fs.writeFile(file, [HEADER, ...rows].join("\n") + "\n");
    await seedCatalog(workspace.db, { file, k: 1 });
    for (const user of ["ana", "ben"]) await workspace.db.spotifyUser.create({ data: { id: user } });
  });

  it("stores per user, newest first; hiding twice keeps one row; undo removes only that one", async () => {
    const { db } = workspace;
    await addExclusion(db, "ana", { kind: "track", value: id(10) });
    await addExclusion(db, "ana", { kind: "artist", value: "Rapper 1" });
    await addExclusion(db, "ana", { kind: "track", value: id(10) });
    expect(await exclusionsFor(db, "ana")).toEqual([
      { kind: "artist", value: "Rapper 1" },
      { kind: "track", value: id(10) },
    ]);
    expect(await exclusionsFor(db, "ben")).toEqual([]);

    await removeExclusion(db, "ana", { kind: "artist", value: "Rapper 1" });
    await removeExclusion(db, "ben", { kind: "track", value: id(10) }); // another user's undo changes nothing of ana's
    expect(await exclusionsFor(db, "ana")).toEqual([{ kind: "track", value: id(10) }]);
    await removeExclusion(db, "ana", { kind: "track", value: id(10) });
    expect(await exclusionsFor(db, "ana")).toEqual([]);
  });

  it("keeps at most the limit of each kind per user, letting the oldest go", async () => {
    const { db } = workspace;
    await db.spotifyUser.create({ data: { id: "cap" } });
    const limits = { track: 2, artist: 1 };
    for (const n of [11, 12, 13]) {
      await addExclusion(db, "cap", { kind: "track", value: id(n) }, limits);
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct created_at, so "oldest" is well defined
    }
    await addExclusion(db, "cap", { kind: "artist", value: "Rapper 1" }, limits);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await addExclusion(db, "cap", { kind: "artist", value: "Rapper 2" }, limits);
    expect(await exclusionsFor(db, "cap")).toEqual([
      { kind: "artist", value: "Rapper 2" },
      { kind: "track", value: id(13) },
      { kind: "track", value: id(12) },
    ]);
  });

  it("names hidden songs from the catalog (by id when it no longer has them) and artists by name", async () => {
    const items = await hiddenItems(workspace.db, [
      { kind: "track", value: id(11) },
      { kind: "track", value: "x".repeat(22) },
      { kind: "artist", value: "Rapper 2" },
    ]);
    expect(items.map((i) => i.label)).toEqual(["“Song 11” by Rapper 1", `song ${"x".repeat(22)}`, "all songs by Rapper 2"]);
  });

  it("accepts only a Spotify id for a song and a non-empty name for an artist", () => {
    expect(exclusionSchema.safeParse({ kind: "track", value: "not-an-id" }).success).toBe(false);
    expect(exclusionSchema.safeParse({ kind: "artist", value: "   " }).success).toBe(false);
    expect(exclusionSchema.safeParse({ kind: "album", value: "x" }).success).toBe(false);
    expect(exclusionSchema.parse({ kind: "artist", value: " Rapper 3 " })).toEqual({ kind: "artist", value: "Rapper 3" });
  });

  it("leaves hidden songs and artists out of the recommendations, with the next best songs in their places", async () => {
    const { db } = workspace;
    const request = { ...DEFAULT_REQUEST, trackIds: [id(1)], limit: 5 };
    const before = (await recommend(db, request)).recommendations.map((r) => r.track);
    expect(before).toHaveLength(5);

    const hiddenSong = before[1];
    const hiddenArtist = before[0].primaryArtist;
    await addExclusion(db, "ben", { kind: "track", value: hiddenSong.id });
    await addExclusion(db, "ben", { kind: "artist", value: hiddenArtist.toUpperCase() }); // any spelling case
    const after = (await recommend(db, { ...request, ...excludedForRequest(await exclusionsFor(db, "ben")) })).recommendations.map((r) => r.track);

    expect(after).toHaveLength(5);
    expect(after.map((t) => t.id)).not.toContain(hiddenSong.id);
    expect(after.filter((t) => t.artists.includes(hiddenArtist))).toEqual([]);
    // Songs that were neither hidden nor by the hidden artist keep their order.
    const kept = before.filter((t) => t.id !== hiddenSong.id && t.primaryArtist !== hiddenArtist).map((t) => t.id);
    expect(after.map((t) => t.id).slice(0, kept.length)).toEqual(kept);
  });

  it("hides every version of a hidden song (the same title and artist under another id)", async () => {
    const excluded = await excludedWithVersions(workspace.db, [{ kind: "track", value: id(10) }, { kind: "artist", value: "Rapper 5" }]);
    expect(excluded.excludeIds.sort()).toEqual([id(10), id(40)]);
    expect(excluded.excludeArtists).toEqual(["Rapper 5"]);
  });

  it("goes away with its user", async () => {
    const { db } = workspace;
    await db.spotifyUser.create({ data: { id: "gone" } });
    await addExclusion(db, "gone", { kind: "artist", value: "Rapper 4" });
    await db.spotifyUser.delete({ where: { id: "gone" } });
    expect(await db.userExclusion.count({ where: { userId: "gone" } })).toBe(0);
  });
});
