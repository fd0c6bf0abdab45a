import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  CATALOG_FORMATS, SPOTIFY_FEATURES_COLUMNS, SPOTIFY_SONGS_COLUMNS, TRACKS_DATASET_COLUMNS, matchHeader,
  unknownHeaderMessage,
} from "./formats";
import type { RowResult } from "./parse";
import { CatalogFileError, readCatalog, type CatalogFileSummary } from "./read";
import { TRACK_COLUMNS, type CatalogTrack } from "./types";

/** One CSV line; cells holding a comma, quote or newline are quoted as a spreadsheet would. */
function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((cell) => {
      const text = String(cell);
      return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",");
}

const ID_A = "6f807x0ima9a1j3VPbc7VN";
const ID_B = "0r7CVbZTWZgbTCYdfa2P31";
const ID_C = "1z1Hg7Vb0AhHDiEmnDE79l";

const SONGS_HEADER = [
  "track_id", "track_name", "track_artist", "track_popularity", "track_album_id", "track_album_name",
  "track_album_release_date", "playlist_name", "playlist_id", "playlist_genre", "playlist_subgenre",
  "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness", "instrumentalness",
  "liveness", "valence", "tempo", "duration_ms",
];
const FEATURES_HEADER = [...SPOTIFY_FEATURES_COLUMNS];
const DATASET_HEADER = [
  "", "track_id", "artists", "album_name", "track_name", "popularity", "duration_ms", "explicit", "danceability",
  "energy", "key", "loudness", "mode", "speechiness", "acousticness", "instrumentalness", "liveness", "valence",
  "tempo", "time_signature", "track_genre",
];

/** A spotify_songs.csv row: features 0.748 danceability … 194754 ms unless changed. */
function songsRow(id: string, o: { name?: string; artist?: string; date?: string; playlist?: [string, string, string, string]; popularity?: number; energy?: string } = {}) {
  const [playlistName, playlistId, genre, subgenre] = o.playlist ?? ["", "", "", ""];
  return csvLine([
    id, o.name ?? "I Don't Care", o.artist ?? "Ed Sheeran", o.popularity ?? 66, "2oCs0DGTsRO98Gh5ZSl2Cx", "Album, Deluxe",
    o.date ?? "2019-06-14", playlistName, playlistId, genre, subgenre,
    "0.748", o.energy ?? "0.916", "6", "-2.634", "1", "0.0583", "0.102", "0", "0.0653", "0.518", "122.036", "194754",
  ]);
}

const directory = mkdtempSync(join(tmpdir(), "catalog-formats-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;

function writeCatalog(content: string | Buffer, name = "catalog.csv"): string {
  const path = join(directory, `${++fileCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string) {
  const rows: RowResult[] = [];
  const reader = readCatalog(path);
  let step = await reader.next();
  for (; !step.done; step = await reader.next()) rows.push(step.value);
  return { rows, summary: step.value satisfies CatalogFileSummary };
}

function tracksOf(rows: RowResult[]): CatalogTrack[] {
  return rows.map((row) => {
    if (!row.ok) throw new Error(`line ${row.line}: ${row.reason}`);
    return row.track;
  });
}

function rejectionsOf(rows: RowResult[]): string[] {
  return rows.flatMap((row) => (row.ok ? [] : [`${row.line} ${row.field}: ${row.reason}`]));
}

describe("matchHeader", () => {
  it.each([
    ["tracks-600k", [...TRACK_COLUMNS]],
    ["spotify-songs", SONGS_HEADER],
    ["spotify-features", FEATURES_HEADER],
    ["tracks-dataset", DATASET_HEADER],
    ["tracks-dataset", ["Unnamed: 0", ...DATASET_HEADER.slice(1)]],
  ])("recognises %s from its header", (id, header) => {
    const match = matchHeader(header);
    expect(match.ok && match.format.id).toBe(id);
  });

  it("tolerates a BOM, surrounding spaces, reordered and extra columns", () => {
    const header = ["\uFEFF extra", ...[...SPOTIFY_SONGS_COLUMNS].reverse().map((c) => ` ${c} `)];
    const match = matchHeader(header);
    expect(match.ok && match.format.id).toBe("spotify-songs");
    expect(match.ok && match.index.track_id).toBe(header.length - 1);
    expect(match.ok && match.index.columnCount).toBe(header.length);
  });

  it("refuses a header of no known format, naming the formats and the closest one's missing columns", () => {
    const header = SONGS_HEADER.filter((c) => c !== "track_popularity" && c !== "playlist_genre");
    const match = matchHeader(header);
    expect(match.ok).toBe(false);
    if (match.ok) return;
    expect(match.closest.id).toBe("spotify-songs");
    expect(match.missing).toEqual(["track_popularity", "playlist_genre"]);
    const message = unknownHeaderMessage("tracks.csv", match);
    expect(message).toBe(
      'tracks.csv: the header matches no known catalog format. Known: "Spotify Dataset 1921-2020, 600k+ Tracks" (tracks.csv), ' +
        '"Spotify Songs" (spotify_songs.csv), "Spotify Tracks DB" (SpotifyFeatures.csv), "Spotify Tracks Dataset" (dataset.csv). ' +
        'Closest: "Spotify Songs" (spotify_songs.csv), missing: track_popularity, playlist_genre',
    );
  });

  it("has formats that no header can match twice by accident (each reads a column the others lack)", () => {
    for (const format of CATALOG_FORMATS) {
      const match = matchHeader(format.columns);
      expect(match.ok && match.format.id).toBe(format.id);
    }
    expect(new Set(TRACKS_DATASET_COLUMNS).has("track_genre")).toBe(true);
  });
});

describe("reading spotify_songs.csv", () => {
  it("reads playlists, genres, dates of every precision, NA names, a BOM and quoted commas and newlines", async () => {
    const text = "\uFEFF" + [
      SONGS_HEADER.join(","),
      songsRow(ID_A, { name: "Line one\nline two, \"quoted\"", playlist: ["Pop Remix", "37i9dQZF1DXcZDD7cfEKhW", "pop", "dance pop"] }),
      songsRow(ID_B, { date: "2012-07", playlist: ["Trap Nation", "37i9dQZF1DX0XUsuxWHRQd", "rap", "trap"] }),
      songsRow(ID_C, { name: "NA", artist: "NA", date: "1957" }),
    ].join("\r\n");
    const { rows, summary } = await readAll(writeCatalog(text));
    expect(summary.format).toBe("spotify-songs");
    const [a, b, c] = tracksOf(rows);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 5]);
    expect(a).toMatchObject({
      id: ID_A, name: 'Line one\nline two, "quoted"', artists: ["Ed Sheeran"], popularity: 66, explicit: null,
      idArtists: null, releaseDate: "2019-06-14", releaseYear: 2019, timeSignature: null, key: 6, mode: 1,
      genres: ["pop"], subgenres: ["dance pop"],
      playlists: [{ id: "37i9dQZF1DXcZDD7cfEKhW", name: "Pop Remix", genre: "pop", subgenre: "dance pop", line: 2 }],
    });
    expect(b).toMatchObject({ releaseDate: "2012-07", releaseYear: 2012, genres: ["rap"], subgenres: ["trap"] });
    // A withheld playlist: no playlist, no genre; R's NA kept as text.
    expect(c).toMatchObject({ name: "NA", artists: ["NA"], releaseYear: 1957, genres: [], subgenres: [], playlists: [] });
  });

  it("rejects bad rows naming the field and the line", async () => {
    const text = [
      SONGS_HEADER.join(","),
      songsRow("short-id"),
      songsRow(ID_A, { date: "2019-13" }),
      songsRow(ID_B, { popularity: 101 }),
      songsRow(ID_C, { energy: "1.5" }),
      songsRow(ID_C, { artist: " " }),
    ].join("\n");
    expect(rejectionsOf((await readAll(writeCatalog(text))).rows)).toEqual([
      '2 track_id: track_id: "short-id" is not a 22-character base62 id',
      '3 track_album_release_date: track_album_release_date: "2019-13" is not a calendar date',
      "4 track_popularity: track_popularity: 101 is out of range [0, 100]",
      "5 energy: energy: 1.5 is out of range [0, 1]",
      "6 track_artist: track_artist: is empty",
    ]);
  });
});

describe("reading SpotifyFeatures.csv", () => {
  const row = (id: string, genre: string, key: string, mode: string, meter: string, name = "C'est beau") =>
    csvLine([genre, "Henri Salvador", name, id, 0, "0.611", "0.389", 99373, "0.91", "0", key, "0.346", "-1.828", mode, "0.0525", "166.969", meter, "0.814"]);

  it("maps note names, Major/Minor and 4/4, keeping genres such as Children’s Music", async () => {
    const text = [
      FEATURES_HEADER.join(","),
      row(ID_A, "Children’s Music", "C#", "Major", "4/4"),
      row(ID_B, "Hip-Hop", "B", "Minor", "3/4", "Song, with a comma"),
      row(ID_C, "A Capella", "Eb", "Major", "5/4"),
    ].join("\n");
    const { rows, summary } = await readAll(writeCatalog(text));
    expect(summary.format).toBe("spotify-features");
    const [a, b, c] = tracksOf(rows);
    expect(a).toMatchObject({
      key: 1, mode: 1, timeSignature: 4, genres: ["Children’s Music"], artists: ["Henri Salvador"],
      explicit: null, releaseDate: null, releaseYear: null, idArtists: null, subgenres: [], playlists: [],
    });
    expect(b).toMatchObject({ key: 11, mode: 0, timeSignature: 3, genres: ["Hip-Hop"], name: "Song, with a comma" });
    expect(c).toMatchObject({ key: 3, timeSignature: 5, genres: ["A Capella"] });
  });

  it("rejects an unknown note, mode or meter", async () => {
    const text = [
      FEATURES_HEADER.join(","),
      row(ID_A, "Jazz", "H", "Major", "4/4"),
      row(ID_B, "Jazz", "C", "Dorian", "4/4"),
      row(ID_C, "Jazz", "C", "Major", "9/8"),
    ].join("\n");
    expect(rejectionsOf((await readAll(writeCatalog(text))).rows)).toEqual([
      '2 key: key: "H" is not a note name (C, C#, … B)',
      '3 mode: mode: "Dorian" is not Major or Minor',
      "4 time_signature: time_signature: 9 is out of range [0, 7]",
    ]);
  });
});

describe("reading the Spotify Tracks Dataset (dataset.csv)", () => {
  const row = (index: number, id: string, artists: string, genre: string, explicit = "False") =>
    csvLine([index, id, artists, "Album", "Comedy", 73, 230666, explicit, "0.676", "0.461", 1, "-6.746", 0, "0.143", "0.0322", "1.01e-06", "0.358", "0.715", "87.917", 4, genre]);

  it("reads the unnamed index column, ;-joined artists, True/False and an empty genre cell (gzipped)", async () => {
    const text = [
      DATASET_HEADER.join(","),
      row(0, ID_A, "Gen Hoshino", "acoustic"),
      row(1, ID_B, "Chord Overstreet;Ben Woodward", "", "True"),
    ].join("\n");
    const { rows, summary } = await readAll(writeCatalog(gzipSync(text), "dataset.csv.gz"));
    expect(summary.format).toBe("tracks-dataset");
    const [a, b] = tracksOf(rows);
    expect(a).toMatchObject({ artists: ["Gen Hoshino"], explicit: false, genres: ["acoustic"], timeSignature: 4, instrumentalness: 1.01e-6, releaseYear: null });
    expect(b).toMatchObject({ artists: ["Chord Overstreet", "Ben Woodward"], explicit: true, genres: [] });
  });

  it("rejects a row without artists or with a bad explicit flag", async () => {
    const text = [DATASET_HEADER.join(","), row(0, ID_A, ";", "pop"), row(1, ID_B, "A", "pop", "yes")].join("\n");
    expect(rejectionsOf((await readAll(writeCatalog(text))).rows)).toEqual([
      "2 artists: artists: is empty",
      '3 explicit: explicit: "yes" is not 0/1 or True/False',
    ]);
  });
});

it("fails at once on a header of no known format, naming the closest format's missing columns", async () => {
  const header = FEATURES_HEADER.filter((c) => c !== "genre");
  const path = writeCatalog(`${header.join(",")}\n1,2\n`, "tracks.csv");
  const failure = readAll(path);
  await expect(failure).rejects.toBeInstanceOf(CatalogFileError);
  await expect(failure).rejects.toThrow(/matches no known catalog format\. Known: .*Closest: "Spotify Tracks DB" \(SpotifyFeatures\.csv\), missing: genre$/);
});
