import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrackMerger } from "./merge";
import { AUDIO_FEATURES, IdIndex, StringColumn, TrackTable } from "./track-table";
import { NO_PLAYLISTS, NO_STRINGS, type CatalogTrack } from "./types";

function track(id: string, overrides: Partial<CatalogTrack> = {}): CatalogTrack {
  return {
    id, name: `Song ${id}`, popularity: 50, durationMs: 200_000, explicit: null, artists: [`Artist ${id}`], idArtists: null,
    releaseDate: null, releaseYear: null, danceability: 0.5, energy: 0.5, key: 1, loudness: -7, mode: 1,
    speechiness: 0.1, acousticness: 0.2, instrumentalness: 0, liveness: 0.1, valence: 0.5, tempo: 120,
    timeSignature: null, genres: NO_STRINGS, subgenres: NO_STRINGS, playlists: NO_PLAYLISTS, ...overrides,
  };
}

const SAMPLES = ["", "plain ASCII", "Beyoncé", "Sigur Rós – Hoppípolla", "東京事変", "🎸 riff 🎶", "a\u0000b", "x".repeat(300), "é".repeat(200)];

/** Fills a column past its first 64 KiB of bytes and its first 1024 rows, cycling through SAMPLES. */
function filledColumn(rows: number): { column: StringColumn; values: string[] } {
  const column = new StringColumn();
  const values: string[] = [];
  for (let i = 0; i < rows; i++) {
    const value = i % 7 === 0 ? `${SAMPLES[i % SAMPLES.length]}#${i}` : SAMPLES[i % SAMPLES.length];
    column.push(value);
    values.push(value);
  }
  return { column, values };
}

describe("StringColumn", () => {
  it("gives back ASCII, accented, CJK, emoji and empty strings, through its growth", () => {
    const { column, values } = filledColumn(3000);
    const bytes = values.reduce((total, value) => total + Buffer.byteLength(value, "utf8"), 0);
    expect(bytes).toBeGreaterThan(1 << 16);
    expect(column.length).toBe(3000);
    values.forEach((value, i) => expect(column.at(i)).toBe(value));
  });

  it("gives each row's UTF-8 bytes, as a view and as a range of all rows' bytes", () => {
    const { column, values } = filledColumn(2000);
    values.forEach((value, i) => {
      const utf8 = Buffer.from(value, "utf8");
      expect(Buffer.from(column.utf8At(i)).equals(utf8), `row ${i}`).toBe(true);
      expect(column.endOf(i) - column.startOf(i)).toBe(utf8.length);
      if (i > 0) expect(column.startOf(i)).toBe(column.endOf(i - 1));
      expect(Buffer.from(column.utf8.subarray(column.startOf(i), column.endOf(i))).equals(utf8), `row ${i}`).toBe(true);
    });
    expect(column.utf8At(values.indexOf(""))).toHaveLength(0);
    expect(column.startOf(0)).toBe(0);
  });

  it("keeps every value when trimmed", () => {
    const { column, values } = filledColumn(2500);
    column.trim();
    expect(column.length).toBe(2500);
    values.forEach((value, i) => {
      expect(column.at(i)).toBe(value);
      expect(Buffer.from(column.utf8At(i)).equals(Buffer.from(value, "utf8")), `row ${i}`).toBe(true);
      expect(column.equals(i, value)).toBe(true);
    });
    expect(column.utf8.length).toBe(column.endOf(2499));
  });

  it("keeps a string of more than the buffer's bytes in one push", () => {
    const column = new StringColumn();
    const long = "ü".repeat(40_000); // 80 000 bytes
    column.push("a");
    column.push(long);
    column.push("b");
    expect([column.at(0), column.at(1), column.at(2)]).toEqual(["a", long, "b"]);
  });

  it("tells a row's own string from others of the same length, prefixes and longer strings", () => {
    const column = new StringColumn();
    for (const value of ["abc", "é", "🎸", "", "héllo", "東京"]) column.push(value);
    expect([0, 1, 2, 3, 4, 5].map((i) => column.equals(i, column.at(i)))).toEqual([true, true, true, true, true, true]);
    expect(column.equals(0, "abd")).toBe(false);
    expect(column.equals(0, "ab")).toBe(false);
    expect(column.equals(0, "abcd")).toBe(false);
    expect(column.equals(0, "")).toBe(false);
    expect(column.equals(0, "abé")).toBe(false);
    expect(column.equals(1, "è")).toBe(false);
    expect(column.equals(1, "e")).toBe(false);
    expect(column.equals(1, "ab")).toBe(false);
    expect(column.equals(2, "🎶")).toBe(false);
    expect(column.equals(3, "a")).toBe(false);
    expect(column.equals(4, "hallo")).toBe(false);
    expect(column.equals(4, "hél")).toBe(false);
    expect(column.equals(4, "héllo!")).toBe(false);
    expect(column.equals(5, "東")).toBe(false);
    expect(column.equals(5, "東京都")).toBe(false);
  });

  it("does not take characters whose codes equal a row's UTF-8 bytes for that row", () => {
    const column = new StringColumn();
    column.push("é"); // 0xC3 0xA9
    column.push("\u00C3\u00A9"); // "Ã©": 0xC3 0x83 0xC2 0xA9
    column.push("€"); // 0xE2 0x82 0xAC
    expect(column.equals(0, "\u00C3\u00A9")).toBe(false);
    expect(column.equals(0, "é")).toBe(true);
    expect(column.equals(1, "é")).toBe(false);
    expect(column.equals(1, "\u00C3\u00A9")).toBe(true);
    expect(column.equals(2, "\u00E2\u0082\u00AC")).toBe(false);
    expect(column.equals(2, "abc")).toBe(false);
  });

  it("tells rows apart as string equality does, for any strings", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "é", "Ã", "\u00A9", "東", "🎸"), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), fc.array(text, { maxLength: 20 }), (stored, asked) => {
        const column = new StringColumn();
        for (const value of stored) column.push(value);
        stored.forEach((value, i) => {
          expect(column.at(i)).toBe(value);
          for (const other of [...stored, ...asked]) expect(column.equals(i, other)).toBe(value === other);
        });
      }),
    );
  });
});

describe("IdIndex", () => {
  it("finds each id's row as a Map would, through its growth", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 24 }), { maxLength: 6000 }), fc.array(fc.string({ maxLength: 24 })), (added, asked) => {
        const ids: string[] = [];
        const index = new IdIndex((row, id) => ids[row] === id);
        const map = new Map<string, number>();
        for (const id of added) {
          expect(index.get(id)).toBe(map.get(id) ?? -1);
          expect(index.findOrAdd(id, ids.length)).toBe(map.get(id) ?? -1);
          if (map.has(id)) continue;
          map.set(id, ids.length);
          ids.push(id);
        }
        for (const id of [...added, ...asked]) expect(index.get(id)).toBe(map.get(id) ?? -1);
      }),
      { numRuns: 50 },
    );
  });
});

describe("TrackTable", () => {
  it("keeps each track's values in its columns, nulls included", () => {
    const table = new TrackTable();
    table.add(track("a", { explicit: true, releaseYear: 1999, popularity: 7, durationMs: 3_000_000_000, tempo: 95.5 }));
    table.add(track("b", { explicit: false }));
    table.add(track("c"));
    table.finish();
    expect(table.length).toBe(3);
    expect([0, 1, 2].map((i) => table.explicitAt(i))).toEqual([true, false, null]);
    expect([0, 1, 2].map((i) => table.releaseYearAt(i))).toEqual([1999, null, null]);
    expect(table.popularity[0]).toBe(7);
    expect(table.durationMs[0]).toBe(3_000_000_000);
    expect(Array.from(table.feature("tempo"))).toEqual([95.5, 120, 120]);
    expect([0, 1, 2].map((i) => table.idAt(i))).toEqual(["a", "b", "c"]);
  });

  it("gives back non-ASCII names and ids, as strings and as UTF-8", () => {
    const table = new TrackTable();
    const rows = [
      track("a", { name: "Café del Mar" }),
      track("b", { name: "東京事変" }),
      track("ñandú", { name: "🎸 riff" }),
      track("c", { name: "" }),
    ];
    for (const row of rows) expect(table.add(row)).toBe("new");
    table.finish();
    rows.forEach((row, i) => {
      expect(table.idAt(i)).toBe(row.id);
      expect(table.nameAt(i)).toBe(row.name);
      expect(Buffer.from(table.ids.utf8At(i))).toEqual(Buffer.from(row.id, "utf8"));
      expect(Buffer.from(table.names.utf8At(i))).toEqual(Buffer.from(row.name, "utf8"));
      expect(Buffer.from(table.names.utf8.subarray(table.names.startOf(i), table.names.endOf(i)))).toEqual(Buffer.from(row.name, "utf8"));
    });
  });

  it("merges repeats of non-ASCII ids and keeps ids that only look alike apart", () => {
    const table = new TrackTable();
    expect(table.add(track("é"))).toBe("new");
    expect(table.add(track("\u00C3\u00A9"))).toBe("new");
    expect(table.add(track("東京"))).toBe("new");
    expect(table.add(track("e"))).toBe("new");
    expect(table.add(track("é", { name: "again" }))).toBe("merged");
    expect(table.add(track("東京"))).toBe("merged");
    expect(table.add(track("\u00C3\u00A9", { energy: 0.9 }))).toBe("conflicting");
    table.finish();
    expect(table.length).toBe(4);
    expect(table.rowsMerged).toBe(3);
    expect(table.rowsConflicting).toBe(1);
    expect([0, 1, 2, 3].map((i) => table.idAt(i))).toEqual(["é", "\u00C3\u00A9", "東京", "e"]);
    expect(table.nameAt(0)).toBe("Song é");
  });

  it("merges non-ASCII ids through the growth of its columns and id index", () => {
    const table = new TrackTable();
    const ids = Array.from({ length: 5000 }, (_, i) => `ïd-${i}-東`);
    for (const id of ids) expect(table.add(track(id, { name: `Nåme ${id}` }))).toBe("new");
    for (const id of ids.filter((_, i) => i % 10 === 0)) expect(table.add(track(id))).toBe("merged");
    table.finish();
    expect(table.length).toBe(5000);
    expect(table.rowsMerged).toBe(500);
    expect(table.idAt(4999)).toBe(ids[4999]);
    expect(table.nameAt(4999)).toBe(`Nåme ${ids[4999]}`);
    expect(Buffer.from(table.names.utf8At(1234))).toEqual(Buffer.from(`Nåme ${ids[1234]}`, "utf8"));
    expect(Buffer.from(table.ids.utf8At(1234))).toEqual(Buffer.from(ids[1234], "utf8"));
  });

  it("grows past its first capacity and trims its columns to the tracks it holds", () => {
    const table = new TrackTable();
    for (let i = 0; i < 3000; i++) table.add(track(`t${i}`, { popularity: i % 101, energy: i / 3000 }));
    table.finish();
    expect(table.length).toBe(3000);
    expect(table.popularity.length).toBe(3000);
    expect(table.popularity[2999]).toBe(2999 % 101);
    expect(table.feature("energy")[1500]).toBe(0.5);
  });

  it("merges repeated rows exactly as TrackMerger does (genres, subgenres, playlists, counts, first row's features)", () => {
    const genre = fc.constantFrom("pop", "rap", "rock", "edm");
    const row = fc.record({
      id: fc.constantFrom("a", "b", "c", "d"),
      genres: fc.uniqueArray(genre, { maxLength: 2 }),
      subgenres: fc.uniqueArray(fc.constantFrom("trap", "indie", "house"), { maxLength: 2 }),
      playlist: fc.option(fc.constantFrom("p1", "p2", "p3"), { nil: undefined }),
      energy: fc.constantFrom(0.5, 0.9),
      popularity: fc.constantFrom(50, 51),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        const merger = new TrackMerger<CatalogTrack>();
        const table = new TrackTable();
        rows.forEach((r, line) => {
          const make = () =>
            track(r.id, {
              genres: r.genres, subgenres: r.subgenres, energy: r.energy, popularity: r.popularity,
              playlists: r.playlist === undefined ? NO_PLAYLISTS : [{ id: r.playlist, name: r.playlist, genre: null, subgenre: null, line }],
            });
          expect(table.add(make())).toBe(merger.add(make()));
        });
        const merged = merger.finish();
        table.finish();
        expect(table).toMatchObject({ length: merged.length, rowsMerged: merger.rowsMerged, rowsConflicting: merger.rowsConflicting });
        merged.forEach((t, i) => {
          expect(table.idAt(i)).toBe(t.id);
          expect(table.nameAt(i)).toBe(t.name);
          expect(table.genres[i]).toEqual(t.genres);
          expect(table.subgenres[i]).toEqual(t.subgenres);
          expect(table.playlists[i]).toEqual(t.playlists);
          expect(table.popularity[i]).toBe(t.popularity);
          for (const f of AUDIO_FEATURES) expect(table.features[f][i]).toBe(t[f]);
        });
      }),
    );
  });
});

describe("StringColumn and TrackTable after trimming", () => {
  it("take more rows after trim()/finish(), even when empty", () => {
    const column = new StringColumn();
    column.trim();
    column.push("abc");
    column.push("de");
    expect([column.at(0), column.at(1)]).toEqual(["abc", "de"]);
    const table = new TrackTable().finish();
    table.add(track("x"));
    expect(table.idAt(0)).toBe("x");
  });
});

describe("TrackTable.reserve", () => {
  it("keeps every track and its merges whether it reserved too little or too much", () => {
    for (const reserved of [10, 2500, 9000]) {
      const table = new TrackTable();
      for (let i = 0; i < 50; i++) table.add(track(`t${i}`, { popularity: i }));
      table.reserve(reserved);
      for (let i = 50; i < 5000; i++) table.add(track(`t${i}`, { popularity: i % 101, name: `Søng ${i}` }));
      expect(table.add(track("t7", { popularity: 7 }))).toBe("merged");
      expect(table.add(track("t4999", { popularity: 3 }))).toBe("conflicting");
      table.finish();
      expect(table.length).toBe(5000);
      expect(table.popularity.length).toBe(5000);
      expect([table.idAt(0), table.idAt(4999), table.nameAt(4999)]).toEqual(["t0", "t4999", "Søng 4999"]);
      expect(table.popularity[4999]).toBe(4999 % 101);
      expect(table.rowsMerged).toBe(2);
    }
  });
});
