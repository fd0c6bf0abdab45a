import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { RowRejection } from "./parse";
import { CatalogFileError, readCatalogRows } from "./read";
import { readCatalogIntoTable } from "./read-table";
import { AUDIO_FEATURES, TrackTable } from "./track-table";
import { TRACK_COLUMNS } from "./types";

const directory = mkdtempSync(join(tmpdir(), "catalog-read-table-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;
function write(content: string | Buffer, extension = ".csv"): string {
  const path = join(directory, `tracks-${++files}${extension}`);
  writeFileSync(path, content);
  return path;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** A 22-character id of its own for each n. */
function idOf(n: number): string {
  let id = "";
  for (let k = 0, rest = n; k < 22; k++, rest = Math.floor(rest / 62)) id += BASE62[(rest + k * 7) % 62];
  return id;
}

/**
 * A 600k-format file of `rows` rows (several 1 MiB pieces) with what a reader has to get right at
 * any cut: names quoted for a comma, with `""` escapes or a line break inside, non-ASCII names and
 * artists, several artists, CRLF line ends, blank lines, rejected rows of every kind, and tracks
 * repeated later in the file (the same features, or others).
 */
function catalogText(rows: number): string {
  const lines = ["\uFEFF" + TRACK_COLUMNS.join(",")];
  for (let n = 0; n < rows; n++) {
    let name = `Song ${n}`;
    if (n % 7 === 0) name = `"Song, ${n}"`;
    if (n % 11 === 0) name = `"The ""${n}"" Song"`;
    if (n % 13 === 0) name = `"Two\nlines ${n}"`;
    if (n % 17 === 0) name = `Café ${n} 日本`;
    const artists = n % 5 === 0 ? `"['Ana ${n % 50}', 'Bö ${n % 30}']"` : `['Solo ${n % 400}']`;
    const artistIds = n % 5 === 0 ? `"['${idOf(n + 1e6)}', '${idOf(n + 2e6)}']"` : `['${idOf(n % 400 + 3e6)}']`;
    const repeated = n > 1000 && n % 97 === 0; // a track seen 1000 rows earlier, with its features
    const t = repeated ? n - 1000 : n;
    const id = idOf(t);
    const popularity = n % 301 === 0 ? "101" : String(t % 100); // 101: rejected
    const danceability = repeated && n % 2 === 0 ? "0.5001" : ((t % 1000) / 1000).toFixed(3); // or others
    let line = `${id},${name},${popularity},${180000 + t},${t % 2},${artists},${artistIds},19${50 + (t % 50)}-0${1 + (t % 9)}-1${t % 10},` +
      `${danceability},0.5,${t % 12},-7.5,${t % 2},0.05,0.3,0.0,0.1,0.6,${100 + (t % 80)}.5,4`;
    if (n % 499 === 0) line = line.replace(id, "not-an-id"); // rejected
    if (n % 503 === 0) line = line.split(",").slice(0, 10).join(","); // too few columns: rejected
    if (n % 19 === 0) line += "\r";
    lines.push(line);
    if (n % 211 === 0) lines.push("");
  }
  return lines.join("\n") + "\n";
}

/**
 * The file read three ways: by the streaming reader every other reader is tested against
 * (readCatalogRows: one splitter over the whole text), and in pieces on one thread and on two.
 */
async function readBoth(path: string) {
  const read = async (parallel: boolean) => {
    const table = new TrackTable();
    const rejections: RowRejection[] = [];
    const result = await readCatalogIntoTable(path, { parallel, onRejection: (r) => rejections.push(r) }, table);
    return { table: table.finish(), rejections, result };
  };
  const reference = { table: new TrackTable(), rejections: [] as RowRejection[], rowsRead: 0 };
  const summary = await readCatalogRows(path, {}, (row) => {
    reference.rowsRead++;
    if (row.ok) reference.table.add(row.track);
    else reference.rejections.push(row);
  });
  reference.table.finish();
  return { reference: { ...reference, summary }, one: await read(false), two: await read(true) };
}

/** Every column of every track, as plain values. */
function contents(table: TrackTable) {
  return Array.from({ length: table.length }, (_, i) => ({
    id: table.idAt(i), name: table.nameAt(i), artists: table.artists[i], popularity: table.popularity[i],
    durationMs: table.durationMs[i], explicit: table.explicitAt(i), year: table.releaseYearAt(i), key: table.key[i],
    mode: table.mode[i], genres: table.genres[i], features: AUDIO_FEATURES.map((f) => table.features[f][i]),
  }));
}

describe("readCatalogIntoTable", () => {
  const text = catalogText(24_000); // ~5 MB: pieces for both threads

  it("builds on two threads the table, rejections and summary it builds on one", { timeout: 60_000 }, async () => {
    const { reference, one, two } = await readBoth(write(text));
    expect(two.result.workerPieces).toBeGreaterThan(0);
    expect(one.result.workerPieces).toBe(0);
    for (const { result, rejections, table } of [one, two]) {
      expect(result).toEqual({ ...reference.summary, rowsRead: reference.rowsRead, workerPieces: result.workerPieces });
      expect(rejections).toEqual(reference.rejections); // their lines too, across pieces and quoted line breaks
      expect([table.rowsMerged, table.rowsConflicting]).toEqual([reference.table.rowsMerged, reference.table.rowsConflicting]);
      expect(contents(table)).toEqual(contents(reference.table));
    }
    expect(reference.rowsRead).toBe(24_000);
    expect(reference.rejections.map((r) => r.field)).toEqual(expect.arrayContaining(["popularity", "id", "columns"]));
    expect(reference.table.rowsConflicting).toBeGreaterThan(0);
    expect(reference.table.rowsMerged).toBeGreaterThan(reference.table.rowsConflicting);
  });

  it("reads a gzipped file the same way", { timeout: 60_000 }, async () => {
    const { reference, one, two } = await readBoth(write(gzipSync(text), ".csv.gz"));
    expect(two.result.workerPieces).toBeGreaterThan(0);
    for (const { rejections, table } of [one, two]) {
      expect(contents(table)).toEqual(contents(reference.table));
      expect(rejections).toEqual(reference.rejections);
    }
  });

  it("reports a quote left open near the end of a large file as one thread does", { timeout: 60_000 }, async () => {
    const path = write(text + `${idOf(9e6)},"Unclosed,1,1,0,['A'],['${idOf(9e6 + 1)}'],2000,0.1\n`);
    const failed = (read: Promise<unknown>) => read.then(() => null, (error: unknown) => error);
    const expected = await failed(readCatalogRows(path, {}, () => {}));
    expect(expected).toBeInstanceOf(CatalogFileError);
    expect((expected as Error).message).toMatch(/line 2\d{4}: quoted field is not closed/);
    for (const parallel of [false, true]) {
      const error = await failed(readCatalogIntoTable(path, { parallel, onRejection: () => {} }, new TrackTable()));
      expect(error).toBeInstanceOf(CatalogFileError);
      expect((error as Error).message).toBe((expected as Error).message);
    }
  });

  it("stops at a quote that leaves the rest of the file unclosed, as one thread does", { timeout: 60_000 }, async () => {
    const plain = (n: number) => `${idOf(n)},Song ${n},5,200000,0,['A'],['${idOf(n + 1e6)}'],2000,0.1,0.5,1,-7.5,0,0.05,0.3,0,0.1,0.6,100.5,4`;
    const rows = Array.from({ length: 30_000 }, (_, n) => plain(n));
    rows[10] = rows[10].replace(",Song 10,", ',"Song 10,');
    const path = write([TRACK_COLUMNS.join(","), ...rows].join("\n") + "\n");
    const failed = (read: Promise<unknown>) => read.then(() => null, (error: unknown) => error);
    const expected = await failed(readCatalogRows(path, {}, () => {}));
    expect((expected as Error).message).toMatch(/line 12: record longer than \d+ characters \(unclosed quote\?\)/);
    const error = await failed(readCatalogIntoTable(path, { parallel: true, onRejection: () => {} }, new TrackTable()));
    expect(error).toBeInstanceOf(CatalogFileError);
    expect((error as Error).message).toBe((expected as Error).message);
  });

  it("on a file cut short, reads every whole record before the cut, then fails, as one stream does", { timeout: 60_000 }, async () => {
    const gzipped = gzipSync(text);
    const path = write(gzipped.subarray(0, Math.floor(gzipped.length * 0.7)), ".csv.gz");
    const reference = { table: new TrackTable(), rejections: [] as RowRejection[] };
    const expected = await readCatalogRows(path, {}, (row) => {
      if (row.ok) reference.table.add(row.track);
      else reference.rejections.push(row);
    }).catch((error: unknown) => error);
    expect(expected).toBeInstanceOf(CatalogFileError);
    expect(reference.table.length).toBeGreaterThan(10_000);
    const table = new TrackTable();
    const rejections: RowRejection[] = [];
    const error = await readCatalogIntoTable(path, { parallel: true, onRejection: (r) => rejections.push(r) }, table).catch(
      (error: unknown) => error,
    );
    expect(error).toEqual(expected);
    expect(rejections).toEqual(reference.rejections);
    expect(contents(table)).toEqual(contents(reference.table));
  });

  it("passes an error thrown by a callback on as it is, and stops", async () => {
    const failure = new Error("stop here");
    const read = readCatalogIntoTable(write(text), { parallel: true, onRejection: () => { throw failure; } }, new TrackTable());
    await expect(read).rejects.toBe(failure);
  });
});
