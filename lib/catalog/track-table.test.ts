import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrackMerger } from "./merge";
import { AUDIO_FEATURES, IdIndex, TrackTable } from "./track-table";
import { NO_PLAYLISTS, NO_STRINGS, type CatalogTrack } from "./types";

function track(id: string, overrides: Partial<CatalogTrack> = {}): CatalogTrack {
  return {
    id, name: `Song ${id}`, popularity: 50, durationMs: 200_000, explicit: null, artists: [`Artist ${id}`], idArtists: null,
    releaseDate: null, releaseYear: null, danceability: 0.5, energy: 0.5, key: 1, loudness: -7, mode: 1,
    speechiness: 0.1, acousticness: 0.2, instrumentalness: 0, liveness: 0.1, valence: 0.5, tempo: 120,
    timeSignature: null, genres: NO_STRINGS, subgenres: NO_STRINGS, playlists: NO_PLAYLISTS, ...overrides,
  };
}

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
