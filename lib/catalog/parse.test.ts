import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  catalogMatchKeys, checkHeader, dateParts, decimalValue, decimalValueIn, foldAnyText, isDecimal, isSpotifyId, matchKey, parsePythonList, parseTrackRow, type ColumnIndex,
  type RowResult,
} from "./parse";
import { TRACK_COLUMNS, type TrackColumn } from "./types";
import { CsvRecordSplitter, type CsvFields } from "./csv";

const KAGGLE_LINE =
  "35iwgR4jXetI318WEWsa1Q,Carve,6,126903,0,['Uli'],['45tIt06XoI0Iio4LBEVpls'],1922-02-22," +
  "0.645,0.445,0,-13.338,1,0.451,0.674,0.744,0.151,0.127,104.851,3";

function headerIndex(header: readonly string[] = TRACK_COLUMNS): ColumnIndex {
  const check = checkHeader(header);
  if (!check.ok) throw new Error(`bad header: ${check.missing.join(", ")}`);
  return check.index;
}

/** The Kaggle example row (fields without commas, so a plain split is exact) with some fields replaced. */
function row(overrides: Partial<Record<TrackColumn, string>> = {}): string[] {
  const fields = KAGGLE_LINE.split(",");
  for (const [column, value] of Object.entries(overrides)) fields[TRACK_COLUMNS.indexOf(column as TrackColumn)] = value;
  return fields;
}

function rejection(result: RowResult): { field: string; reason: string } {
  if (result.ok) throw new Error("expected a rejection");
  return { field: result.field, reason: result.reason };
}

describe("checkHeader", () => {
  it("maps columns given in any order, with extra columns, BOM and whitespace", () => {
    const header = ["\uFEFF extra ", ...[...TRACK_COLUMNS].reverse().map((column) => ` ${column}\t`)];
    const index = headerIndex(header);
    expect(index.id).toBe(20);
    expect(index.time_signature).toBe(1);
    expect(index.columnCount).toBe(21);
  });

  it("strips a BOM on the first cell", () => {
    expect(headerIndex(["\uFEFFid", ...TRACK_COLUMNS.slice(1)]).id).toBe(0);
  });

  it("lists the missing columns", () => {
    expect(checkHeader(TRACK_COLUMNS.filter((column) => column !== "tempo" && column !== "id"))).toEqual({
      ok: false,
      missing: ["id", "tempo"],
    });
  });
});

describe("parsePythonList", () => {
  it.each([
    ["[]", []],
    ["  [ ]  ", []],
    ["['Uli']", ["Uli"]],
    [`['A', "B's"]`, ["A", "B's"]],
    ["['Tyler, The Creator']", ["Tyler, The Creator"]],
    [`["Guns N' Roses"]`, ["Guns N' Roses"]],
    [String.raw`['It\'s']`, ["It's"]],
    [String.raw`['say \"hi\"', 'back\\slash']`, ['say "hi"', "back\\slash"]],
    [String.raw`['caf\xe9', '\u00e9t\u00e9']`, ["café", "été"]],
    [String.raw`['\d']`, ["\\d"]],
    ["['a',]", ["a"]],
    ["['Beyoncé', 'Björk']", ["Beyoncé", "Björk"]],
    ["['a','b' , 'c']", ["a", "b", "c"]],
  ])("parses %s", (text, expected) => {
    expect(parsePythonList(text)).toEqual(expected);
  });

  it.each([
    "",
    "Uli",
    "['Uli'",
    "['Uli]",
    "[Uli]",
    "['a' 'b']",
    "['a'] x",
    "['a',,'b']",
    "[,]",
    String.raw`['a\']`,
    String.raw`['\x4']`,
    String.raw`['\xZZ']`,
  ])("rejects %s", (text) => {
    expect(parsePythonList(text)).toBeNull();
  });
});

describe("parseTrackRow", () => {
  const index = headerIndex();

  it("parses the Kaggle example line", () => {
    expect(parseTrackRow(row(), index, 2)).toEqual({
      ok: true,
      line: 2,
      track: {
        id: "35iwgR4jXetI318WEWsa1Q",
        name: "Carve",
        popularity: 6,
        durationMs: 126903,
        explicit: false,
        artists: ["Uli"],
        idArtists: ["45tIt06XoI0Iio4LBEVpls"],
        releaseDate: "1922-02-22",
        releaseYear: 1922,
        danceability: 0.645,
        energy: 0.445,
        key: 0,
        loudness: -13.338,
        mode: 1,
        speechiness: 0.451,
        acousticness: 0.674,
        instrumentalness: 0.744,
        liveness: 0.151,
        valence: 0.127,
        tempo: 104.851,
        timeSignature: 3,
        genres: [],
        subgenres: [],
        playlists: [],
      },
    });
  });

  it("reads columns through the header index", () => {
    const shuffled = [...TRACK_COLUMNS].reverse();
    const record = shuffled.map((column) => row()[TRACK_COLUMNS.indexOf(column)]);
    const result = parseTrackRow(record, headerIndex(shuffled), 7);
    expect(result.ok && result.track.name).toBe("Carve");
  });

  it("accepts the value forms found in the dataset", () => {
    const result = parseTrackRow(
      row({
        explicit: "True",
        release_date: "1999",
        instrumentalness: "6.68e-05",
        key: "-1",
        artists: `['Tyler, The Creator', "Guns N' Roses"]`,
        id_artists: "['4V8LLVI7PbaPR0K2TGSxFF', '3qm84nBOXUEQ2vnTfUTTFC']",
      }),
      index,
      2,
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.track).toMatchObject({
      explicit: true,
      releaseYear: 1999,
      instrumentalness: 0.0000668,
      key: -1,
      artists: ["Tyler, The Creator", "Guns N' Roses"],
    });
    const month = parseTrackRow(row({ release_date: "2004-02" }), index, 2);
    expect(month.ok && month.track.releaseYear).toBe(2004);
  });

  it("keeps the name as written", () => {
    const result = parseTrackRow(row({ name: "  Carve " }), index, 2);
    expect(result.ok && result.track.name).toBe("  Carve ");
  });

  it("reports the column count", () => {
    expect(parseTrackRow(row().slice(1), index, 9)).toEqual({
      ok: false,
      line: 9,
      field: "columns",
      reason: "expected 20 columns, found 19",
    });
    expect(rejection(parseTrackRow([...row(), "x"], index, 9)).reason).toBe("expected 20 columns, found 21");
  });

  it.each<[Partial<Record<TrackColumn, string>>, TrackColumn, string]>([
    [{ id: "xyz" }, "id", 'id: "xyz" is not a 22-character base62 id'],
    [{ id: "35iwgR4jXetI318WEWsa1!" }, "id", 'id: "35iwgR4jXetI318WEWsa1!" is not a 22-character base62 id'],
    [{ name: "   " }, "name", "name: is empty"],
    [{ popularity: "101" }, "popularity", "popularity: 101 is out of range [0, 100]"],
    [{ popularity: "5.5" }, "popularity", "popularity: 5.5 is not an integer"],
    [{ popularity: "" }, "popularity", "popularity: is empty"],
    [{ duration_ms: "0" }, "duration_ms", "duration_ms: 0 is out of range [1, 9007199254740991]"],
    [{ explicit: "2" }, "explicit", 'explicit: "2" is not 0/1 or True/False'],
    [{ artists: "[]" }, "artists", "artists: list is empty"],
    [{ artists: "['']" }, "artists", "artists: contains a blank name"],
    [{ artists: "Uli" }, "artists", 'artists: "Uli" is not a Python list of strings'],
    [{ id_artists: "[]" }, "id_artists", "id_artists: 0 ids for 1 artists"],
    [{ id_artists: "['abc']" }, "id_artists", 'id_artists: "abc" is not a 22-character base62 id'],
    [{ release_date: "22/02/1922" }, "release_date", 'release_date: "22/02/1922" is not YYYY, YYYY-MM or YYYY-MM-DD'],
    [{ release_date: "1850" }, "release_date", "release_date: year 1850 is out of range [1900, 2100]"],
    [{ release_date: "1922-02-30" }, "release_date", 'release_date: "1922-02-30" is not a calendar date'],
    [{ release_date: "1922-13" }, "release_date", 'release_date: "1922-13" is not a calendar date'],
    [{ danceability: "abc" }, "danceability", 'danceability: "abc" is not a number'],
    [{ energy: "1.7" }, "energy", "energy: 1.7 is out of range [0, 1]"],
    [{ key: "12" }, "key", "key: 12 is out of range [-1, 11]"],
    [{ loudness: "-80" }, "loudness", "loudness: -80 is out of range [-70, 10]"],
    [{ mode: "2" }, "mode", "mode: 2 is out of range [0, 1]"],
    [{ speechiness: "NaN" }, "speechiness", 'speechiness: "NaN" is not a number'],
    [{ acousticness: "Infinity" }, "acousticness", 'acousticness: "Infinity" is not a number'],
    [{ instrumentalness: "0x1" }, "instrumentalness", 'instrumentalness: "0x1" is not a number'],
    [{ liveness: " 0.5" }, "liveness", 'liveness: " 0.5" is not a number'],
    [{ valence: "-0.1" }, "valence", "valence: -0.1 is out of range [0, 1]"],
    [{ tempo: "1e999" }, "tempo", "tempo: 1e999 is out of range [0, 300]"],
    [{ time_signature: "8" }, "time_signature", "time_signature: 8 is out of range [0, 7]"],
  ])("rejects %o", (overrides, field, reason) => {
    expect(rejection(parseTrackRow(row(overrides), index, 3))).toEqual({ field, reason });
  });

  it("cuts long values short in reasons", () => {
    const { reason } = rejection(parseTrackRow(row({ danceability: "x".repeat(500) }), index, 3));
    expect(reason).toBe(`danceability: "${"x".repeat(40)}…" is not a number`);
  });
});

describe("the field validators agree with the regular expressions they replace", () => {
  const textOf = (characters: string, maxLength: number) =>
    fc.oneof(fc.string({ unit: fc.constantFrom(...characters), maxLength }), fc.string({ maxLength }));

  it("isDecimal", () => {
    const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    fc.assert(fc.property(textOf("0123456789+-.eE x", 12), (text) => {
      expect(isDecimal(text)).toBe(DECIMAL.test(text));
    }), { numRuns: 5000 });
    for (const text of ["0", "-1.5", "+.5e-3", "5.", "1E10", "0.000"]) expect(isDecimal(text)).toBe(true);
    for (const text of ["", ".", "-", "e5", "1e", "1e+", " 1", "0x1F", "Infinity", "NaN", "1_000", "1.2.3", "١"]) expect(isDecimal(text)).toBe(false);
  });

  it("decimalValue reads what isDecimal accepts exactly as Number() does, and nothing else", () => {
    const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    const expected = (text: string) => (DECIMAL.test(text) ? Number(text) : Number.NaN);
    const texts = fc.oneof(
      textOf("0123456789+-.eE x", 20),
      fc.double().map(String),
      fc.tuple(fc.nat(), fc.nat({ max: 999_999 })).map(([whole, part]) => `${whole}.${part}`),
      fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 18 }).map((d) => `0.${d}`),
    );
    fc.assert(fc.property(texts, (text) => {
      expect(Object.is(decimalValue(text), expected(text)), text).toBe(true);
    }), { numRuns: 20_000 });
    expect(Object.is(decimalValue("-0"), -0)).toBe(true);
    expect(decimalValue("121.661")).toBe(121.661);
    expect(decimalValue("0.1")).toBe(0.1);
  });

  it("isSpotifyId", () => {
    const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;
    fc.assert(fc.property(textOf("aZ09_-é", 24), (text) => {
      expect(isSpotifyId(text)).toBe(SPOTIFY_ID.test(text));
    }), { numRuns: 5000 });
    expect(isSpotifyId("6rqhFgbbKwnb9MLmUQDhG6")).toBe(true);
    expect(isSpotifyId("6rqhFgbbKwnb9MLmUQDhG")).toBe(false);
  });

  it("dateParts", () => {
    const RELEASE_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
    const expected = (text: string) => {
      const parts = RELEASE_DATE.exec(text);
      return parts === null ? null : [Number(parts[1]), parts[2] === undefined ? 1 : Number(parts[2]), parts[3] === undefined ? 1 : Number(parts[3])];
    };
    fc.assert(fc.property(textOf("0123456789-", 11), (text) => {
      expect(dateParts(text)).toEqual(expected(text));
    }), { numRuns: 5000 });
    expect(dateParts("1999-12-31")).toEqual([1999, 12, 31]);
    expect(dateParts("1999")).toEqual([1999, 1, 1]);
  });
});

describe("matchKey", () => {
  it("folds case, accents and punctuation", () => {
    expect(matchKey("Café  del MAR!", "Beyoncé")).toBe("cafe del mar|beyonce");
    expect(matchKey("Don't Stop Me Now", "Queen")).toBe(matchKey("DON’T stop me now", "queen"));
    expect(matchKey("Rock & Roll", "Tyler, The Creator")).toBe("rock and roll|tyler the creator");
    expect(matchKey("Ölüdeniz", "Sigur Rós")).toBe("oludeniz|sigur ros");
  });

  it.each([
    "Yesterday - Remastered 2011",
    "Yesterday - 2011 Remaster",
    "Yesterday - Remastered",
    "Yesterday (Remastered)",
    "Yesterday - Live",
    "Yesterday - Live at the BBC",
    "Yesterday (Radio Edit)",
    "Yesterday - Single Version",
    "Yesterday - Mono",
    "Yesterday (feat. Paul Simon)",
    "Yesterday [feat. Paul Simon]",
    "Yesterday (with Paul Simon)",
    "Yesterday feat. Paul Simon",
    "Yesterday (feat. Paul Simon) - Remastered 2009",
    "Yesterday - 2009 Re-Recorded",
  ])("drops the version tag of %s", (title) => {
    expect(matchKey(title, "The Beatles")).toBe("yesterday|the beatles");
  });

  it("keeps parts of the title that are not version tags", () => {
    expect(matchKey("Hey Jude (Part 2)", "X")).toBe("hey jude part 2|x");
    expect(matchKey("Song - Part 2 - Remastered 2011", "X")).toBe("song part 2|x");
    expect(matchKey("Love Remixed", "X")).toBe("love remixed|x");
    expect(matchKey("Song (Remix)", "X")).not.toBe(matchKey("Song", "X"));
  });

  it("keeps a title that is only a tag", () => {
    expect(matchKey("(Live)", "X")).toBe("live|x");
  });
});

describe("matchKey on ASCII text", () => {
  it("folds printable ASCII exactly as the general (NFKD, Unicode classes) path does", () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 });
    fc.assert(
      fc.property(ascii, ascii, (title, artist) => {
        const [, foldedArtist] = matchKey(title, artist).split(/\|(?=[^|]*$)/);
        expect(foldedArtist).toBe(foldAnyText(artist));
      }),
    );
    expect(matchKey("Rock & Roll (feat. X) - Live", "AC/DC")).toBe("rock and roll|ac dc");
  });

  it("folds words of ASCII letters and digits (the common case, which skips the expressions) as the general path does", () => {
    const words = fc.string({ unit: fc.constantFrom(..."aZ09 x Y  "), maxLength: 30 });
    fc.assert(
      fc.property(words, words, (title, artist) => {
        const [foldedTitle, foldedArtist] = matchKey(title, artist).split("|");
        expect(foldedArtist).toBe(foldAnyText(artist));
        expect(foldedTitle).toBe(foldAnyText(title)); // these letters make no version tag to drop
      }),
    );
    expect(matchKey("Old Valley Blues", "Rosie 0Hara")).toBe("old valley blues|rosie 0hara");
    expect(matchKey("Old Valley Blues feat Someone Else", "X")).toBe("old valley blues|x");
    expect(matchKey("Old Valley Blues featuring Someone Else", "X")).toBe("old valley blues|x");
  });

  it("gives a catalog's tracks the keys matchKey gives them, folding each artist once", () => {
    const keys = catalogMatchKeys();
    for (const [title, artist] of [["Rock & Roll", "AC/DC"], ["Blue", "Beyoncé"], ["Red (Live)", "Beyoncé"], ["Blue", "AC/DC"]]) {
      expect(keys(title, artist)).toBe(matchKey(title, artist));
    }
  });
});

describe("parseTrackRow on a record split from CSV text", () => {
  const index = headerIndex();
  const quoteAlways = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const quoteIfNeeded = (value: string) => (/[",\r\n]/.test(value) ? quoteAlways(value) : value);

  /** Each way of writing the fields as one CSV line: plain where it can be, every field quoted, a name with an escaped quote. */
  const writings: [string, (fields: string[]) => string][] = [
    ["quoted where needed, LF", (fields) => `${fields.map(quoteIfNeeded).join(",")}\n`],
    ["quoted where needed, CRLF", (fields) => `${fields.map(quoteIfNeeded).join(",")}\r\n`],
    ["quoted where needed, no line end", (fields) => fields.map(quoteIfNeeded).join(",")],
    ["every field quoted, CRLF", (fields) => `${fields.map(quoteAlways).join(",")}\r\n`],
    ["every field quoted, no line end", (fields) => fields.map(quoteAlways).join(",")],
  ];

  /** The splitter's (reused) record of `line`, parsed before the next call. */
  function parsedFromCsv(text: string, lineNumber: number): RowResult {
    const splitter = new CsvRecordSplitter();
    splitter.feed(text);
    splitter.end();
    const fields: CsvFields | undefined = splitter.nextFields();
    if (fields === undefined) throw new Error("no record");
    const result = parseTrackRow(fields, index, lineNumber);
    expect(splitter.nextFields()).toBeUndefined();
    return result;
  }

  const cases: [string, Partial<Record<TrackColumn, string>>][] = [
    ["a valid row", {}],
    ["a valid row with a comma and a quote in its name", { name: 'Say "Hi", Again' }],
    ["a valid row with a newline in its name and several artists", {
      name: "Two\nLines",
      artists: "['Tyler, The Creator', \"Guns N' Roses\"]",
      id_artists: "['4V8LLVI7PbaPR0K2TGSxFF', '3qm84nBOXUEQ2vnTfUTTFC']",
    }],
    ["a valid row with numbers in exponent form", { instrumentalness: "6.68e-05", time_signature: "4", tempo: "1.2e2" }],
    ["a number out of range", { popularity: "101" }],
    ["a number out of range in the last column", { time_signature: "8" }],
    ["a number out of range in exponent form", { tempo: "1e999" }],
    ["a number that is not an integer", { popularity: "5.5" }],
    ["an empty number", { energy: "" }],
    ["a number that is not a number", { danceability: "0.5x" }],
    ["a bad id", { id: "xyz" }],
    ["a bad id of 22 characters", { id: "35iwgR4jXetI318WEWsa1!" }],
    ["a bad date", { release_date: "22/02/1922" }],
    ["a date that is not a calendar date", { release_date: "1922-02-30" }],
    ["a year out of range", { release_date: "1850" }],
    ["an artist list that is not a list", { artists: "Uli" }],
    ["an unclosed artist list", { artists: "['Uli'" }],
    ["an empty artist list", { artists: "[]" }],
    ["an artist id list of the wrong length", { id_artists: "['45tIt06XoI0Iio4LBEVpls', '45tIt06XoI0Iio4LBEVpls']" }],
    ["a bad explicit flag", { explicit: "2" }],
    ["a blank name", { name: "   " }],
  ];

  for (const [writing, write] of writings) {
    it.each(cases)(`gives the result of the string array for %s (${writing})`, (_case, overrides) => {
      const fields = row(overrides);
      const expected = parseTrackRow(fields, index, 4);
      const actual = parsedFromCsv(write(fields), 4);
      expect(actual).toEqual(expected);
      if (!expected.ok) expect(rejection(actual)).toEqual(rejection(expected));
    });
  }

  it("rejects the same rows for the same reasons (a sample of them, checked by hand)", () => {
    const reasons = [
      [{ popularity: "101" }, "popularity: 101 is out of range [0, 100]"],
      [{ id: "xyz" }, 'id: "xyz" is not a 22-character base62 id'],
      [{ release_date: "22/02/1922" }, 'release_date: "22/02/1922" is not YYYY, YYYY-MM or YYYY-MM-DD'],
      [{ artists: "['Uli'" }, `artists: "['Uli'" is not a Python list of strings`],
    ] as const;
    for (const [overrides, reason] of reasons) {
      for (const [, write] of writings) expect(rejection(parsedFromCsv(write(row(overrides)), 2)).reason).toBe(reason);
    }
  });

  it("reports a record with too many or too few columns as the string array does", () => {
    for (const fields of [[...row(), "x"], row().slice(1), ["only"]]) {
      for (const [, write] of writings) expect(parsedFromCsv(write(fields), 5)).toEqual(parseTrackRow(fields, index, 5));
    }
  });

  it("reads each number only from its own field, whatever follows it in the text", () => {
    // Numbers side by side: a parse that ran past a field's end would read "1" + ",2" or "0.5" + "e…".
    const fields = row({ key: "1", loudness: "-5", mode: "0", speechiness: "0.5", time_signature: "4" });
    for (const [, write] of writings) {
      const result = parsedFromCsv(write(fields), 2);
      if (!result.ok) throw new Error(result.reason);
      expect(result.track).toMatchObject({ key: 1, loudness: -5, mode: 0, speechiness: 0.5, timeSignature: 4 });
    }
  });
});

describe("id_artists in the 600k file's form and in any other", () => {
  const index = headerIndex();
  const ID = "4V8LLVI7PbaPR0K2TGSxFF";
  const OTHER = "3qm84nBOXUEQ2vnTfUTTFC";
  /** What the general reader makes of the cell: the ids when they are `count` valid ids, else null. */
  function expectedIds(cell: string, count: number): string[] | null {
    const ids = parsePythonList(cell);
    return ids !== null && ids.length === count && ids.every(isSpotifyId) ? ids : null;
  }

  it("reads a cell as parsePythonList does, whatever its form", () => {
    const id = fc.constantFrom(ID, OTHER, "short", `${ID}x`, "4V8LLVI7PbaPR0K2TGSx-F", "");
    const quote = fc.constantFrom("'", '"');
    const separator = fc.constantFrom(", ", ",", " , ", ",  ");
    const cell = fc
      .tuple(fc.array(fc.tuple(id, quote), { minLength: 0, maxLength: 3 }), separator, fc.constantFrom("", " ", ","), fc.constantFrom("[", " ["))
      .map(([items, sep, tail, open]) => `${open}${items.map(([value, q]) => `${q}${value}${q}`).join(sep)}${tail}]`);
    fc.assert(
      fc.property(cell, fc.integer({ min: 1, max: 3 }), (idArtists, count) => {
        const artists = `[${Array.from({ length: count }, (_, i) => `'A${i}'`).join(", ")}]`;
        const result = parseTrackRow(row({ artists, id_artists: idArtists }), index, 2);
        const expected = expectedIds(idArtists, count);
        if (expected === null) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.field).toBe("id_artists");
        } else {
          expect(result.ok && result.track.idArtists).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("reads the 600k file's form", () => {
    const result = parseTrackRow(row({ artists: "['A', 'B']", id_artists: `['${ID}', '${OTHER}']` }), index, 2);
    expect(result.ok && result.track.idArtists).toEqual([ID, OTHER]);
  });
});

describe("decimalValueIn", () => {
  it("reads only its range, whatever follows it", () => {
    expect(decimalValueIn("1234", 0, 2)).toBe(12);
    expect(decimalValueIn("0.5123", 0, 3)).toBe(0.5);
    expect(decimalValueIn("-7.25e3", 0, 5)).toBe(-7.25);
    expect(decimalValueIn("x12.5,9", 1, 5)).toBe(12.5);
    expect(decimalValueIn("12", 0, 0)).toBeNaN();
    expect(decimalValueIn("1e5", 0, 3)).toBe(100_000);
    expect(decimalValueIn("1e5", 0, 2)).toBeNaN();
  });
});
