import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { RowResult } from "./parse";
import { CatalogFileError, readCatalog, readCatalogRows, type CatalogFileSummary, type ReadCatalogOptions } from "./read";
import { TRACK_COLUMNS } from "./types";

const HEADER = TRACK_COLUMNS.join(",");
const FEATURES = "0.645,0.445,0,-13.338,1,0.451,0.674,0.744,0.151,0.127,104.851,3";
const ARTIST_ID = "45tIt06XoI0Iio4LBEVpls";

/** A valid tracks.csv line; `name` is written as given, so it may carry CSV quoting. */
function trackLine(id: string, name = "Carve"): string {
  return `${id},${name},6,126903,0,['Uli'],['${ARTIST_ID}'],1922-02-22,${FEATURES}`;
}

const ID_A = "35iwgR4jXetI318WEWsa1Q";
const ID_B = "021ht4sdgPcrDgSk7JTbKY";
const ID_C = "07A5yehtSnoedViJAZkNnc";

const directory = mkdtempSync(join(tmpdir(), "catalog-read-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let fileCount = 0;

function writeCatalog(content: string | Buffer, extension = ".csv"): string {
  const path = join(directory, `tracks-${++fileCount}${extension}`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, options?: ReadCatalogOptions) {
  const rows: RowResult[] = [];
  const reader = readCatalog(path, options);
  let step = await reader.next();
  for (; !step.done; step = await reader.next()) rows.push(step.value);
  return { rows, summary: step.value satisfies CatalogFileSummary };
}

const describeRow = (row: RowResult) => (row.ok ? `${row.line} ok ${row.track.name}` : `${row.line} ${row.reason}`);

describe("readCatalog", () => {
  const content = [HEADER, trackLine(ID_A), trackLine(ID_B, "Second"), ""].join("\n");

  it("reads a plain file and returns the sha256 of its bytes", async () => {
    const path = writeCatalog(content);
    const { rows, summary } = await readAll(path);
    expect(rows.map(describeRow)).toEqual(["2 ok Carve", "3 ok Second"]);
    expect(rows[0].ok && rows[0].track.artists).toEqual(["Uli"]);
    expect(summary).toEqual({
      sha256: createHash("sha256").update(content).digest("hex"),
      bytes: Buffer.byteLength(content),
      format: "tracks-600k",
    });
  });

  it("reads a gzipped file and hashes the compressed bytes", async () => {
    const compressed = gzipSync(content);
    const { rows, summary } = await readAll(writeCatalog(compressed, ".csv.gz"));
    expect(rows.map(describeRow)).toEqual(["2 ok Carve", "3 ok Second"]);
    expect(summary.sha256).toBe(createHash("sha256").update(compressed).digest("hex"));
  });

  it("reports progress in stored bytes", async () => {
    const path = writeCatalog(content);
    const progress: [number, number][] = [];
    await readAll(path, { onProgress: (bytesRead, totalBytes) => progress.push([bytesRead, totalBytes ?? -1]) });
    expect(progress.at(-1)).toEqual([Buffer.byteLength(content), Buffer.byteLength(content)]);
  });

  it("handles CRLF, a BOM, blank lines, reordered and extra columns", async () => {
    const columns = ["extra", ...TRACK_COLUMNS].reverse();
    const reordered = (line: string) => ["x", ...line.split(",")].reverse().join(",");
    const text = `\uFEFF${columns.join(",")}\r\n\r\n${reordered(trackLine(ID_A))}\r\n${reordered(trackLine(ID_B, "Second"))}`;
    const { rows } = await readAll(writeCatalog(text));
    expect(rows.map(describeRow)).toEqual(["3 ok Carve", "4 ok Second"]);
  });

  it("gives the line a row starts on after a quoted newline", async () => {
    const text = [HEADER, trackLine(ID_A, '"Two\nLines, ""quoted"""'), trackLine(ID_B), trackLine("bad")].join("\n");
    const { rows } = await readAll(writeCatalog(text));
    expect(rows.map(describeRow)).toEqual([
      '2 ok Two\nLines, "quoted"',
      "4 ok Carve",
      '5 id: "bad" is not a 22-character base62 id',
    ]);
  });

  it("rejects rows with the wrong number of columns and goes on", async () => {
    const text = [HEADER, `${trackLine(ID_A)},extra`, trackLine(ID_B).replace("Carve,", ""), trackLine(ID_C)].join("\n");
    const { rows } = await readAll(writeCatalog(text));
    expect(rows.map(describeRow)).toEqual([
      "2 expected 20 columns, found 21",
      "3 expected 20 columns, found 19",
      "4 ok Carve",
    ]);
  });

  it("yields a repeated id as a row of its own (seed.ts merges repeats)", async () => {
    const text = [HEADER, trackLine(ID_A), trackLine(ID_B), trackLine(ID_A, "Again")].join("\n");
    const { rows } = await readAll(writeCatalog(text));
    expect(rows.map(describeRow)).toEqual(["2 ok Carve", "3 ok Carve", "4 ok Again"]);
  });

  it("recognises a gzipped file by its magic bytes whatever its name", async () => {
    const { rows, summary } = await readAll(writeCatalog(gzipSync(content), ".csv"));
    expect(rows.map(describeRow)).toEqual(["2 ok Carve", "3 ok Second"]);
    expect(summary.format).toBe("tracks-600k");
  });

  it("tells onFormat the format before the first row", async () => {
    const heard: string[] = [];
    const reader = readCatalog(writeCatalog(content), { onFormat: (format) => heard.push(format.name) });
    await reader.next();
    expect(heard).toEqual(["Spotify Dataset 1921-2020, 600k+ Tracks"]);
    await reader.return(undefined as never);
  });

  it("accepts a header with no rows", async () => {
    expect((await readAll(writeCatalog(`${HEADER}\n`))).rows).toEqual([]);
  });

  it.each([
    ["an empty file", "", /tracks-\d+\.csv is empty$/],
    ["a file of blank lines", "\n\r\n\n", /is empty$/],
    [
      "a wrong header",
      "id,name,popularity\n1,2,3\n",
      /tracks-\d+\.csv: the header matches no known catalog format\. Known: .*Closest: "Spotify Dataset 1921-2020, 600k\+ Tracks" \(tracks\.csv\), missing: duration_ms, explicit, .*time_signature$/,
    ],
    ["an unclosed quote", `${HEADER}\n${trackLine(ID_A, '"Open')}\n${trackLine(ID_B)}`, /tracks-\d+\.csv: line 2: quoted field is not closed/],
  ])("throws CatalogFileError for %s", async (_case, text, message) => {
    const failure = readAll(writeCatalog(text));
    await expect(failure).rejects.toThrowError(CatalogFileError);
    await expect(failure).rejects.toThrowError(message);
  });

  it("throws CatalogFileError for a missing file and for a broken gzip file", async () => {
    await expect(readAll(join(directory, "missing.csv"))).rejects.toThrowError(/missing\.csv cannot be read/);
    await expect(readAll(writeCatalog(content, ".csv.gz"))).rejects.toThrowError(CatalogFileError);
  });

  it("stops reading when the consumer stops early", async () => {
    const path = writeCatalog(content);
    for await (const row of readCatalog(path)) {
      expect(row.ok).toBe(true);
      break;
    }
  });
});

async function readAllRows(path: string, options: ReadCatalogOptions = {}) {
  const rows: RowResult[] = [];
  const summary = await readCatalogRows(path, options, (row) => rows.push(row));
  return { rows, summary };
}

describe("readCatalogRows", () => {
  const mixed = [
    HEADER,
    trackLine(ID_A),
    trackLine(ID_B, '"Comma, In Name"'),
    "",
    trackLine("bad-id"),
    trackLine(ID_C, '"Say ""Hi"""'),
    trackLine(ID_A, '"Two\nLines"'),
    trackLine(ID_B).replace("['Uli']", "Uli"),
    `${trackLine(ID_C)},extra`,
    trackLine(ID_C, "Café 東京 🎸"),
  ].join("\r\n");

  it("hears the rows readCatalog yields, in order, and returns the same summary", async () => {
    const path = writeCatalog(mixed);
    const expected = await readAll(path);
    const { rows, summary } = await readAllRows(path);
    expect(rows).toEqual(expected.rows);
    expect(summary).toEqual(expected.summary);
    expect(summary).toEqual({
      sha256: createHash("sha256").update(mixed).digest("hex"),
      bytes: Buffer.byteLength(mixed),
      format: "tracks-600k",
    });
    expect(rows.map(describeRow)).toEqual([
      "2 ok Carve",
      "3 ok Comma, In Name",
      '5 id: "bad-id" is not a 22-character base62 id',
      '6 ok Say "Hi"',
      "7 ok Two\nLines",
      '9 artists: "Uli" is not a Python list of strings',
      "10 expected 20 columns, found 21",
      "11 ok Café 東京 🎸",
    ]);
  });

  it("reads a gzipped file as readCatalog does", async () => {
    const compressed = gzipSync(mixed);
    const path = writeCatalog(compressed, ".csv.gz");
    const expected = await readAll(path);
    const { rows, summary } = await readAllRows(path);
    expect(rows).toEqual(expected.rows);
    expect(summary).toEqual(expected.summary);
    expect(summary.sha256).toBe(createHash("sha256").update(compressed).digest("hex"));
  });

  it("hears the rows readCatalog yields across read chunks", async () => {
    // Past one 1 MiB read chunk, with quoted names (some over a line end) cut wherever the chunks end.
    const lines = [HEADER];
    for (let i = 0, length = HEADER.length; length < 2.5 * (1 << 20); i++) {
      const id = `${String(i).padStart(6, "0")}${ID_A.slice(6)}`;
      lines.push(trackLine(id, i % 3 === 0 ? `"Name ${i}, ""q""\nmore é"` : i % 3 === 1 ? `"Name ${i}, plain"` : `Name ${i} ü`));
      length += lines[lines.length - 1].length + 1;
    }
    const text = lines.join("\n");
    const path = writeCatalog(text);
    const expected = await readAll(path);
    const { rows, summary } = await readAllRows(path);
    expect(rows.length).toBe(lines.length - 1);
    expect(rows.every((row) => row.ok)).toBe(true);
    expect(rows).toEqual(expected.rows);
    expect(summary).toEqual(expected.summary);
  });

  it("reports progress and the format as readCatalog does", async () => {
    const path = writeCatalog(mixed);
    const heard: string[] = [];
    const progress: [number, number | null][] = [];
    await readAllRows(path, {
      onFormat: (format) => heard.push(format.id),
      onProgress: (bytesRead, totalBytes) => progress.push([bytesRead, totalBytes]),
    });
    expect(heard).toEqual(["tracks-600k"]);
    expect(progress.at(-1)).toEqual([Buffer.byteLength(mixed), Buffer.byteLength(mixed)]);
  });

  it("passes on the very error onRow throws, and hears no row after it", async () => {
    const path = writeCatalog(mixed);
    const thrown = new Error("the table is full");
    const heard: number[] = [];
    const failure = readCatalogRows(path, {}, (row) => {
      heard.push(row.line);
      if (heard.length === 2) throw thrown;
    });
    await expect(failure).rejects.toBe(thrown);
    await expect(failure).rejects.not.toBeInstanceOf(CatalogFileError);
    expect(heard).toEqual([2, 3]);
  });

  it("passes on a non-Error value thrown by onRow as it is", async () => {
    const thrown = { reason: "not an Error" };
    const failure = readCatalogRows(writeCatalog(mixed), {}, () => {
      throw thrown;
    });
    await expect(failure).rejects.toBe(thrown);
  });

  it("passes on the very error onFormat throws, before any row", async () => {
    const thrown = new Error("no such format here");
    const heard: RowResult[] = [];
    const failure = readCatalogRows(writeCatalog(mixed), { onFormat: () => { throw thrown; } }, (row) => heard.push(row));
    await expect(failure).rejects.toBe(thrown);
    expect(heard).toEqual([]);
  });

  it("throws CatalogFileError naming the file and line for an unclosed quote, after the rows before it", async () => {
    const path = writeCatalog([HEADER, trackLine(ID_A), trackLine(ID_B, '"Open'), trackLine(ID_C)].join("\n"));
    const heard: string[] = [];
    const failure = readCatalogRows(path, {}, (row) => heard.push(describeRow(row)));
    await expect(failure).rejects.toThrowError(CatalogFileError);
    await expect(failure).rejects.toThrowError(/tracks-\d+\.csv: line 3: quoted field is not closed/);
    expect(heard).toEqual(["2 ok Carve"]);
  });

  it("throws CatalogFileError for an empty file, a missing file and a wrong header", async () => {
    await expect(readAllRows(writeCatalog(""))).rejects.toThrowError(/tracks-\d+\.csv is empty$/);
    await expect(readAllRows(join(directory, "missing.csv"))).rejects.toThrowError(CatalogFileError);
    await expect(readAllRows(writeCatalog("id,name\n1,2\n"))).rejects.toThrowError(CatalogFileError);
  });
});
