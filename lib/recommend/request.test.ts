// Property-based tests (fast-check) of the two input boundaries: the recommendation
// request schema (HTTP API and CLI) and the catalog CSV row parser.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkHeader, parseTrackRow } from "../catalog/parse";
import type { FullTrack } from "../catalog/sample";
import { TRACK_COLUMNS, type TrackColumn } from "../catalog/types";
import { describeIssues, MAX_TRACK_IDS, recommendationRequestSchema } from "./request";
import { DEFAULT_REQUEST } from "./service";

const RUNS = { numRuns: 300 };
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const FIELDS = ["trackIds", "limit", "minPopularity", "mode", "maxPerArtist", "allowExplicit", "excludeIds", "excludeArtists"] as const;

const base62Char = fc.constantFrom(...BASE62);
const spotifyId = fc.string({ unit: base62Char, minLength: 22, maxLength: 22 });

/** Anything a client could send that is not a 22-character base62 id. */
const badId = fc.oneof(
  fc.string({ unit: base62Char, maxLength: 21 }),
  fc.string({ unit: base62Char, minLength: 23, maxLength: 40 }),
  // 22 characters with at least one outside [0-9A-Za-z] (unicode, space, newline, quote, ...)
  fc
    .tuple(
      fc.string({ unit: base62Char, minLength: 21, maxLength: 21 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 1 }).filter((c) => !BASE62.includes(c)),
      fc.nat(21),
    )
    .map(([rest, odd, at]) => rest.slice(0, at) + odd + rest.slice(at)),
  spotifyId.map((id) => `${id}\n`), // `$` must not match before a trailing newline
);

/** A request the schema must accept: every optional field present or not, values inside their ranges. */
const validRequest = fc.record(
  {
    trackIds: fc.oneof(
      fc.array(spotifyId, { minLength: 1, maxLength: 60 }),
      fc.array(spotifyId, { minLength: MAX_TRACK_IDS - 2, maxLength: MAX_TRACK_IDS }),
    ),
    limit: fc.integer({ min: 1, max: 100 }),
    minPopularity: fc.integer({ min: 0, max: 100 }),
    mode: fc.constantFrom("dominant", "mix"),
    maxPerArtist: fc.integer({ min: 1, max: 100 }),
    allowExplicit: fc.boolean(),
    excludeIds: fc.array(spotifyId, { maxLength: 10 }),
    excludeArtists: fc.array(fc.string({ minLength: 1, maxLength: 40 }).filter((a) => a.trim() === a && a !== ""), { maxLength: 5 }),
  },
  { requiredKeys: ["trackIds"] },
);

/**
 * Every issue names its field ("limit: ...", "trackIds[3]: ...") or, at the root, says what is
 * wrong (not an object; unknown keys, named); the message is those parts joined by "; ".
 */
function expectMessageNamesAField(error: z.ZodError) {
  const message = describeIssues(error);
  expect(message.trim()).not.toBe("");
  expect(error.issues.length).toBeGreaterThan(0);
  const parts = error.issues.map((issue) => {
    const part = describeIssues(new z.ZodError([issue]));
    if (issue.path.length > 0) {
      expect(FIELDS).toContain(issue.path[0]);
      expect(part).toMatch(/^(trackIds(\[\d+\])?|limit|minPopularity|mode|maxPerArtist|allowExplicit|excludeIds(\[\d+\])?|excludeArtists(\[\d+\])?): \S/);
    } else if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) expect(part).toContain(`"${key}"`);
    } else {
      expect(part).toMatch(/^Invalid input: expected object, received \w+$/);
    }
    return part;
  });
  // At most five issues are spelled out; the rest are counted.
  const more = parts.length - 5;
  expect(message).toBe(parts.slice(0, 5).join("; ") + (more > 0 ? `; and ${more} more` : ""));
}

function failure(value: unknown): string {
  const parsed = recommendationRequestSchema.safeParse(value);
  if (parsed.success) throw new Error(`expected a rejection of ${JSON.stringify(value)?.slice(0, 200)}`);
  expectMessageNamesAField(parsed.error);
  return describeIssues(parsed.error);
}

describe("recommendationRequestSchema (property-based)", () => {
  it("accepts every valid request and fills in the defaults", () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        // Through JSON, as the API receives it.
        const parsed = recommendationRequestSchema.safeParse(JSON.parse(JSON.stringify(request)));
        expect(parsed.success).toBe(true);
        if (!parsed.success) return;
        expect(parsed.data).toEqual({ ...DEFAULT_REQUEST, ...request });
      }),
      { numRuns: 200 },
    );
  });

  it("never throws on arbitrary JSON, and every rejection says which field is wrong", () => {
    const anyJson = fc.oneof(
      fc.jsonValue(),
      // objects shaped like a request, so the per-field checks are reached too
      fc.dictionary(fc.constantFrom(...FIELDS, "extra", "__proto__", "constructor"), fc.jsonValue(), { maxKeys: 7 }),
      fc.record({ trackIds: fc.array(fc.oneof(spotifyId, fc.jsonValue()), { maxLength: 5 }) }, { requiredKeys: [] }),
    );
    fc.assert(
      fc.property(anyJson, (value) => {
        const body = JSON.parse(JSON.stringify(value) ?? "null"); // what the API would get after JSON.parse
        const parsed = recommendationRequestSchema.safeParse(body);
        if (!parsed.success) expectMessageNamesAField(parsed.error);
      }),
      { numRuns: 1_000 },
    );
  });

  it("never throws on values JSON.parse produces but generators rarely do (Infinity, -0, __proto__ keys)", () => {
    const id = "a".repeat(22);
    for (const text of [
      `{"trackIds":["${id}"],"limit":1e400}`,
      `{"trackIds":["${id}"],"minPopularity":-1e400}`,
      `{"trackIds":["${id}"],"limit":-0}`,
      `{"trackIds":["${id}"],"__proto__":{"limit":5}}`,
      `{"trackIds":["${id}"],"constructor":{"prototype":{}}}`,
    ]) {
      failure(JSON.parse(text)); // checks the message too
    }
    expect(failure(JSON.parse(`{"trackIds":["${id}"],"limit":1e400}`))).toMatch(/^limit: /);
    expect(failure(JSON.parse(`{"trackIds":["${id}"],"__proto__":{}}`))).toContain("__proto__");
  });

  it("rejects any id that is not 22 base62 characters, naming its position", () => {
    fc.assert(
      fc.property(
        fc.array(spotifyId, { maxLength: 10 }),
        badId,
        fc.array(spotifyId, { maxLength: 10 }),
        (before, bad, after) => {
          const message = failure({ trackIds: [...before, bad, ...after] });
          expect(message).toBe(`trackIds[${before.length}]: must be a 22-character base62 Spotify track id`);
        },
      ),
      RUNS,
    );
  });

  it(`rejects more than ${MAX_TRACK_IDS} ids`, () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_TRACK_IDS + 1, max: 3 * MAX_TRACK_IDS }), fc.string({ unit: base62Char, minLength: 21, maxLength: 21 }), (count, stem) => {
        const ids = Array.from({ length: count }, (_, i) => `${stem}${BASE62[i % 62]}`);
        expect(failure({ trackIds: ids })).toBe(`trackIds: must hold at most ${MAX_TRACK_IDS} track ids`);
      }),
      { numRuns: 20 },
    );
    expect(failure({ trackIds: [] })).toBe("trackIds: must hold at least one track id");
  });

  it("rejects unknown fields and names them", () => {
    const unknownKey = fc.string({ unit: "binary", maxLength: 20 }).filter((k) => !(FIELDS as readonly string[]).includes(k));
    fc.assert(
      fc.property(validRequest, unknownKey, fc.jsonValue(), (request, key, value) => {
        const body = JSON.parse(JSON.stringify(request));
        Object.defineProperty(body, key, { value: value ?? null, enumerable: true, configurable: true, writable: true });
        const message = failure(body);
        expect(message).toBe(`Unrecognized key: "${key}"`);
      }),
      RUNS,
    );
  });

  it("rejects a wrong type or an out-of-range value in any field, naming that field", () => {
    const notNumber = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    const wrong: Record<(typeof FIELDS)[number], fc.Arbitrary<unknown>> = {
      trackIds: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }), fc.array(fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), { minLength: 1, maxLength: 3 })),
      limit: fc.oneof(notNumber, fc.integer({ max: 0 }), fc.integer({ min: 101 }), fc.double({ min: 1.01, max: 99.99, noNaN: true }).filter((x) => !Number.isInteger(x))),
      minPopularity: fc.oneof(notNumber, fc.integer({ max: -1 }), fc.integer({ min: 101 }), fc.constant(50.5)),
      mode: fc.oneof(fc.string().filter((s) => s !== "dominant" && s !== "mix"), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(["dominant"])),
      maxPerArtist: fc.oneof(notNumber, fc.integer({ max: 0 }), fc.integer({ min: 101 })),
      allowExplicit: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant([true])),
      excludeIds: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(badId, { minLength: 1, maxLength: 3 })),
      excludeArtists: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.oneof(fc.integer(), fc.constant(""), fc.constant("   "), fc.string({ minLength: 201, maxLength: 230 }).map((s) => `x${s}x`)), { minLength: 1, maxLength: 3 })),
    };
    fc.assert(
      fc.property(
        validRequest,
        fc.constantFrom(...FIELDS).chain((field) => wrong[field].map((value) => [field, value] as const)),
        (request, [field, value]) => {
          const message = failure({ ...request, [field]: value });
          expect(message).toMatch(new RegExp(`^${field}(\\[\\d+\\])?: `));
        },
      ),
      { numRuns: 600 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// CSV rows

const NUMERIC_COLUMNS = [
  "popularity", "duration_ms", "danceability", "energy", "key", "loudness", "mode", "speechiness",
  "acousticness", "instrumentalness", "liveness", "valence", "tempo", "time_signature",
] as const satisfies readonly TrackColumn[];

const unitDouble = fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x + 0); // + 0 turns -0 into 0
const nonBlank = fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== "");

const releaseDate = fc
  .tuple(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.nat(2))
  .map(([year, month, day, precision]) => {
    const mm = String(month).padStart(2, "0");
    const dd = String(day).padStart(2, "0");
    return { text: [`${year}`, `${year}-${mm}`, `${year}-${mm}-${dd}`][precision], year };
  });

/** A valid catalog track; artists and their ids have the same length. */
const catalogTrack: fc.Arbitrary<FullTrack> = fc
  .record({
    id: spotifyId,
    name: nonBlank,
    popularity: fc.integer({ min: 0, max: 100 }),
    durationMs: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    explicit: fc.boolean(),
    artists: fc.array(nonBlank, { minLength: 1, maxLength: 3 }),
    idArtistPool: fc.array(spotifyId, { minLength: 3, maxLength: 3 }),
    date: releaseDate,
    danceability: unitDouble,
    energy: unitDouble,
    key: fc.integer({ min: -1, max: 11 }),
    loudness: fc.double({ min: -70, max: 10, noNaN: true }).map((x) => x + 0),
    mode: fc.integer({ min: 0, max: 1 }),
    speechiness: unitDouble,
    acousticness: unitDouble,
    instrumentalness: unitDouble,
    liveness: unitDouble,
    valence: unitDouble,
    tempo: fc.double({ min: 0, max: 300, noNaN: true }).map((x) => x + 0),
    timeSignature: fc.integer({ min: 0, max: 7 }),
  })
  .map(({ idArtistPool, date, ...t }) => ({
    ...t,
    idArtists: idArtistPool.slice(0, t.artists.length),
    releaseDate: date.text,
    releaseYear: date.year,
    genres: [],
    subgenres: [],
    playlists: [],
  }));

/** Python's repr of a list of strings, as in the Kaggle file: `['a', 'It\'s']`. */
function pythonList(items: readonly string[]): string {
  const quoted = items.map(
    (s) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}'`,
  );
  return `[${quoted.join(", ")}]`;
}

function fieldsOf(track: FullTrack, explicitStyle: number): Record<TrackColumn, string> {
  return {
    id: track.id,
    name: track.name,
    popularity: String(track.popularity),
    duration_ms: String(track.durationMs),
    explicit: (track.explicit ? ["1", "True", "true"] : ["0", "False", "false"])[explicitStyle],
    artists: pythonList(track.artists),
    id_artists: pythonList(track.idArtists),
    release_date: track.releaseDate,
    danceability: String(track.danceability),
    energy: String(track.energy),
    key: String(track.key),
    loudness: String(track.loudness),
    mode: String(track.mode),
    speechiness: String(track.speechiness),
    acousticness: String(track.acousticness),
    instrumentalness: String(track.instrumentalness),
    liveness: String(track.liveness),
    valence: String(track.valence),
    tempo: String(track.tempo),
    time_signature: String(track.timeSignature),
  };
}

/** A header with the required columns in any order plus extra ones, and its index. */
const header = fc
  .tuple(
    fc.shuffledSubarray([...TRACK_COLUMNS], { minLength: TRACK_COLUMNS.length, maxLength: TRACK_COLUMNS.length }),
    fc.array(fc.constantFrom("Unnamed: 0", "album", "extra", "isrc"), { maxLength: 3 }),
    fc.nat(),
  )
  .map(([required, extras, at]) => {
    const columns: string[] = [...required];
    for (const extra of extras) columns.splice(at % (columns.length + 1), 0, extra);
    const check = checkHeader(columns);
    if (!check.ok) throw new Error("generated header is missing columns");
    return { columns, index: check.index };
  });

function recordFor(columns: readonly string[], fields: Record<TrackColumn, string>): string[] {
  return columns.map((column) => (column in fields ? fields[column as TrackColumn] : "ignored"));
}

const KAGGLE_INDEX = (() => {
  const check = checkHeader(TRACK_COLUMNS);
  if (!check.ok) throw new Error("bad header");
  return check.index;
})();

describe("parseTrackRow (property-based)", () => {
  it("checkHeader never throws on arbitrary headers", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom(...TRACK_COLUMNS, `\uFEFFid`, " tempo ")), { maxLength: 30 }), (cells) => {
        const check = checkHeader(cells);
        if (check.ok) expect(check.index.columnCount).toBe(cells.length);
        else expect(check.missing.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it("never throws on arbitrary string records, and every rejection names its field", () => {
    const anyRecord = fc.oneof(
      fc.array(fc.string({ unit: "binary" }), { maxLength: 25 }),
      fc.array(fc.string({ unit: "binary", maxLength: 30 }), { minLength: 20, maxLength: 20 }),
      // valid rows with a few fields replaced by arbitrary text, to reach the later checks
      fc.tuple(catalogTrack, fc.array(fc.tuple(fc.nat(19), fc.string({ unit: "binary" })), { maxLength: 3 })).map(([track, edits]) => {
        const record = recordFor(TRACK_COLUMNS, fieldsOf(track, 0));
        for (const [at, text] of edits) record[at] = text;
        return record;
      }),
    );
    fc.assert(
      fc.property(anyRecord, fc.nat(), (record, line) => {
        const result = parseTrackRow(record, KAGGLE_INDEX, line);
        expect(result.line).toBe(line);
        if (result.ok) return;
        expect([...TRACK_COLUMNS, "columns"]).toContain(result.field);
        if (result.field === "columns") expect(result.reason).toMatch(/^expected 20 columns, found \d+$/);
        else expect(result.reason.startsWith(`${result.field}: `)).toBe(true);
        expect(result.reason.length).toBeLessThan(200); // offending values are cut short
      }),
      { numRuns: 1_000 },
    );
  });

  it("round-trips valid generated rows through any column order", () => {
    fc.assert(
      fc.property(catalogTrack, header, fc.nat(2), (track, { columns, index }, explicitStyle) => {
        const result = parseTrackRow(recordFor(columns, fieldsOf(track, explicitStyle)), index, 2);
        if (!result.ok) throw new Error(`rejected a valid row: ${result.reason}`);
        expect(result.track).toEqual(track);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects NaN, Infinity or garbage in any numeric column, naming that column", () => {
    const garbage = fc.oneof(
      fc.constantFrom("NaN", "nan", "Infinity", "-Infinity", "inf", "", " ", "0x1F", "1_000", "1e", "1e+", ".", "-", "+", "1.2.3", "١٢", "１"),
      fc.double({ noNaN: true }).map((x) => ` ${x}`), // Number() would accept these
      fc.double({ noNaN: true }).map((x) => `${x}\t`),
      fc.string({ unit: "binary", maxLength: 10 }).map((s) => `x${s}`),
      fc.tuple(fc.integer(), fc.string({ unit: "binary", minLength: 1, maxLength: 5 }).filter((s) => !/^[\d.eE+-]*$/.test(s))).map(([n, s]) => `${n}${s}`),
    );
    fc.assert(
      fc.property(catalogTrack, header, fc.constantFrom(...NUMERIC_COLUMNS), garbage, (track, { columns, index }, column, text) => {
        const fields = fieldsOf(track, 0);
        fields[column] = text;
        const result = parseTrackRow(recordFor(columns, fields), index, 9);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.field).toBe(column);
        expect(result.reason.startsWith(`${column}: `)).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it("rejects a record whose column count differs from the header's", () => {
    fc.assert(
      fc.property(catalogTrack, header, fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0), (track, { columns, index }, delta) => {
        const record = recordFor(columns, fieldsOf(track, 0));
        const resized = delta > 0 ? [...record, ...Array(delta).fill("")] : record.slice(0, record.length + delta);
        const result = parseTrackRow(resized, index, 3);
        expect(result).toMatchObject({ ok: false, field: "columns" });
      }),
      RUNS,
    );
  });
});
