// Streaming reader for catalog files (.csv or gzipped), in any format of formats.ts. The catalog's
// bytes come from source.ts; this module hashes, meters and gunzips them and turns them into rows.
import { createHash } from "node:crypto";
import { Readable, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { CsvRecordSplitter, type CsvFields, type CsvRecord } from "./csv";
import { matchHeader, unknownHeaderMessage, type CatalogFormat, type ColumnIndex } from "./formats";
import { parseCatalogRow, type Intern, type RowResult } from "./parse";
import { openCatalogSource } from "./source";
import type { CatalogFormatId } from "./types";

/** The file cannot be used at all: unreadable, not gzip, empty, unknown header or broken CSV quoting. */
export class CatalogFileError extends Error {
  override name = "CatalogFileError";
}

export interface ReadCatalogOptions {
  /**
   * Called once per chunk read; bytes are of the file as stored (compressed for .gz). totalBytes is
   * null when the source cannot tell its size (a download without Content-Length).
   */
  onProgress?(bytesRead: number, totalBytes: number | null): void;
  /** Called once the header has been recognised, before the first row. An error thrown here ends the read as is. */
  onFormat?(format: CatalogFormat): void;
}

/** Facts about the whole file, known once it has been read to the end. */
export interface CatalogFileSummary {
  /** sha256 of the file's bytes as stored (the compressed bytes for .gz), lowercase hex. */
  sha256: string;
  bytes: number;
  format: CatalogFormatId;
}

const READ_CHUNK_BYTES = 1 << 20;
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * A copy of `text` that shares no memory with the chunk it was sliced from: V8 keeps a whole parent
 * string alive for any slice of it, so a kept id or genre would pin every chunk read.
 */
export function detached(text: string): string {
  return (" " + text).slice(1);
}

/** An interner for one file: each distinct artist, genre or playlist string is kept once, detached. */
function fileInterner(): Intern {
  const seen = new Map<string, string>();
  return (text) => {
    let kept = seen.get(text);
    if (kept === undefined) {
      kept = detached(text);
      seen.set(kept, kept);
    }
    return kept;
  };
}

/** Turns CSV records into row results: the first non-blank record is the header, which picks the format. */
export class CatalogRows {
  private match: { format: CatalogFormat; index: ColumnIndex } | undefined;
  private readonly intern = fileInterner();
  /**
   * One shared, frozen `[artist]` list per artist credited alone (most tracks): the seed keeps every
   * track's list, and a list of its own per track was two more objects each for the garbage
   * collector to copy and trace (~1.2M on the 600k file).
   */
  private readonly soloLists = new Map<string, string[]>();

  private soloArtist(name: string): string[] {
    let list = this.soloLists.get(name);
    if (list === undefined) {
      list = Object.freeze([this.intern(name)]) as unknown as string[];
      this.soloLists.set(list[0], list);
    }
    return list;
  }
  /** An error from options.onFormat, passed on unchanged. */
  callbackError: unknown;

  constructor(
    /** The catalog as messages name it (a URL without its query string). */
    public label: string,
    private readonly onFormat: ReadCatalogOptions["onFormat"],
    /** Whether tracks' ids and names are copied out of the text read (see accept). */
    private readonly detachIdsAndNames = true,
  ) {}

  get format(): CatalogFormat | undefined {
    return this.match?.format;
  }

  /** The header's columns, once it has been read. */
  get index(): ColumnIndex | undefined {
    return this.match?.index;
  }

  /**
   * Hands `use` the result of every complete record the splitter holds. A broken record (an unclosed
   * quote) becomes a CatalogFileError; errors from onFormat and from `use` pass as they are.
   */
  drain(splitter: CsvRecordSplitter, use: (row: RowResult) => void): void {
    for (;;) {
      let result;
      try {
        const fields = splitter.nextFields();
        if (fields === undefined) return;
        result = this.accept(fields);
      } catch (error) {
        if (error instanceof CatalogFileError || error === this.callbackError) throw error;
        throw new CatalogFileError(`${this.label}: ${(error as Error).message}`);
      }
      if (result !== undefined) use(result);
    }
  }

  /** The file's summary once it has been read to the end. */
  summary(hashed: { sha256: string; bytes: number }): CatalogFileSummary {
    if (this.match === undefined) throw new CatalogFileError(`${this.label} is empty`);
    return { sha256: hashed.sha256, bytes: hashed.bytes, format: this.match.format.id };
  }

  /** The row's result, or undefined for the header and blank lines. */
  accept(fields: CsvFields): RowResult | undefined {
    if (fields.isBlank()) return undefined;
    if (this.match === undefined) {
      const header = matchHeader(fields.toArray());
      if (!header.ok) throw new CatalogFileError(unknownHeaderMessage(this.label, header));
      this.match = header;
      try {
        this.onFormat?.(header.format);
      } catch (error) {
        this.callbackError = error;
        throw error;
      }
      return undefined;
    }
    const result = parseCatalogRow(this.match.format.id, fields, this.match.index, fields.line, this.intern);
    if (result.ok) {
      // A reader keeping tracks keeps these: copied out of the decoded chunk, which would otherwise
      // stay alive as long as any of them (all of the file's text, once every chunk holds a kept
      // name). The seed's table copies ids and names itself (as UTF-8). An artist's name is kept
      // once however many tracks it has.
      const track = result.track;
      if (this.detachIdsAndNames) {
        track.id = detached(track.id);
        track.name = detached(track.name);
      }
      track.artists = this.keptArtists(track.artists);
    }
    return result;
  }

  /** A track's artists as the reader keeps them: a shared list for an artist credited alone, else each name interned (in place). */
  keptArtists(artists: string[]): string[] {
    if (artists.length === 1) return this.soloArtist(artists[0]);
    for (let i = 0; i < artists.length; i++) artists[i] = this.intern(artists[i]);
    return artists;
  }
}

/** The stored bytes, gunzipped when the source says so (a .gz name) or they start with gzip's magic number. */
async function* gunzippedWhenCompressed(stored: AsyncIterable<Buffer>, gzipByName: boolean): AsyncGenerator<Buffer> {
  const chunks = stored[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < GZIP_MAGIC.length) {
    const step = await chunks.next();
    if (step.done) break;
    head = Buffer.concat([head, step.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let step = await chunks.next(); !step.done; step = await chunks.next()) yield step.value;
  }
  const gzipped = gzipByName || (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]);
  if (!gzipped) {
    yield* all();
    return;
  }
  const onError = () => {}; // pipeline destroys both streams on error; the error surfaces through the gunzip.
  yield* pipeline(Readable.from(all()), createGunzip({ chunkSize: READ_CHUNK_BYTES }), onError) as AsyncIterable<Buffer>;
}

/** A catalog's CSV bytes (gunzipped when compressed), hashing and metering the stored bytes on the way. */
export async function openCsvBytes(location: string, onProgress: ReadCatalogOptions["onProgress"]) {
  let source;
  try {
    source = await openCatalogSource(location);
  } catch (error) {
    throw new CatalogFileError((error as Error).message, { cause: error });
  }
  const { totalBytes } = source;
  const hash = createHash("sha256");
  let bytesRead = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      onProgress?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const onError = () => {}; // pipeline destroys every stream on error; the error surfaces through `meter`.
  const metered = pipeline(source.stream, meter, onError);
  return {
    label: source.label,
    chunks: gunzippedWhenCompressed(metered, source.gzip === true),
    close: () => metered.destroy(),
    hashed: () => ({ sha256: hash.digest("hex"), bytes: bytesRead }),
  };
}

/**
 * Streams the CSV records of a catalog-like file (header included), holding one chunk at a time.
 * Throws CatalogFileError when it cannot be read or has an unclosed quote. The return value (read
 * with `next()`) is the file's hash; `onOpen` hears what to call the file in messages.
 */
export async function* readCsvRecords(
  location: string,
  onProgress?: ReadCatalogOptions["onProgress"],
  onOpen?: (label: string) => void,
): AsyncGenerator<CsvRecord, { sha256: string; bytes: number; label: string }, undefined> {
  return yield* flattened(readCsvRecordBatches(location, onProgress, onOpen));
}

/**
 * readCsvRecords, one array of records per chunk read: a seed reads ~600k records, and an await per
 * record (two, through readCatalog) cost about as much as splitting them.
 */
export async function* readCsvRecordBatches(
  location: string,
  onProgress?: ReadCatalogOptions["onProgress"],
  onOpen?: (label: string) => void,
): AsyncGenerator<CsvRecord[], { sha256: string; bytes: number; label: string }, undefined> {
  let label = location;
  const pieces = fedSplitter(location, onProgress, (opened) => {
    label = opened;
    onOpen?.(opened);
  });
  let step;
  try {
    for (step = await pieces.next(); !step.done; step = await pieces.next()) {
      const records: CsvRecord[] = [];
      const splitter = step.value;
      try {
        for (let record = splitter.next(); record !== undefined; record = splitter.next()) records.push(record);
      } catch (error) {
        throw new CatalogFileError(`${label}: ${(error as Error).message}`);
      }
      if (records.length > 0) yield records;
    }
  } finally {
    await pieces.return(undefined as never);
  }
  return step.value;
}

/**
 * Feeds a catalog's CSV text, piece by piece, to one splitter, yielding it after each piece for the
 * caller to drain. Returns the file's hash once read to the end.
 */
async function* fedSplitter(
  location: string,
  onProgress: ReadCatalogOptions["onProgress"],
  onOpen: (label: string) => void,
): AsyncGenerator<CsvRecordSplitter, { sha256: string; bytes: number; label: string }, undefined> {
  const csv = await openCsvBytes(location, onProgress);
  onOpen(csv.label);
  const decoder = new TextDecoder("utf-8");
  const splitter = new CsvRecordSplitter();
  try {
    try {
      for await (const chunk of csv.chunks) {
        splitter.feed(decoder.decode(chunk, { stream: true }));
        yield splitter;
      }
      splitter.feed(decoder.decode());
    } catch (error) {
      // Reading, gunzipping or decoding failed.
      if (error instanceof CatalogFileError) throw error;
      throw new CatalogFileError(`${csv.label}: ${(error as Error).message}`);
    }
    splitter.end();
    yield splitter;
  } finally {
    csv.close(); // closes the file when the consumer stops early; a no-op once read to the end
  }
  return { ...csv.hashed(), label: csv.label };
}

/** The items of a generator of arrays one by one, and its return value; stopping early stops it. */
async function* flattened<T, R>(batches: AsyncGenerator<T[], R, undefined>): AsyncGenerator<T, R, undefined> {
  let step;
  try {
    for (step = await batches.next(); !step.done; step = await batches.next()) yield* step.value;
  } finally {
    if (step === undefined || !step.done) await batches.return(undefined as never);
  }
  return step.value;
}

/**
 * Streams the rows of a catalog file (.csv or gzipped, any format of formats.ts, recognised by its
 * header), holding one 1 MiB chunk at a time. Yields one RowResult per data row with the 1-based line
 * the row starts on; blank lines are skipped. Rows repeating a track are yielded as they are (merge.ts
 * merges them). Throws CatalogFileError when the file cannot be read, is empty, has a header of no
 * known format or an unclosed quote.
 *
 * The generator's return value is the file's CatalogFileSummary (its sha256 and format). `for await`
 * discards return values, so read it with `next()`:
 *   const rows = readCatalog(path);
 *   let step = await rows.next();
 *   for (; !step.done; step = await rows.next()) use(step.value);
 *   const { sha256 } = step.value;
 */
export async function* readCatalog(
  location: string,
  options: ReadCatalogOptions = {},
): AsyncGenerator<RowResult, CatalogFileSummary, undefined> {
  return yield* flattened(readCatalogBatches(location, options));
}

/** readCatalog, one array of row results per chunk read (see readCsvRecordBatches): an await per row would cost as much as reading it. */
async function* readCatalogBatches(
  location: string,
  options: ReadCatalogOptions = {},
): AsyncGenerator<RowResult[], CatalogFileSummary, undefined> {
  const rows = new CatalogRows(location, options.onFormat);
  const pieces = fedSplitter(location, options.onProgress, (label) => (rows.label = label));
  let step;
  try {
    for (step = await pieces.next(); !step.done; step = await pieces.next()) {
      const results: RowResult[] = [];
      rows.drain(step.value, (result) => results.push(result));
      if (results.length > 0) yield results;
    }
  } finally {
    await pieces.return(undefined as never);
  }
  return rows.summary(step.value);
}

/**
 * readCatalog for a reader that takes each row as it comes (the seed): `onRow` hears every row's
 * result in file order, and each row's strings and objects are garbage as soon as it returns rather
 * than held in a batch (on the 600k file, that batch was what the garbage collector kept copying).
 * Resolves to the file's summary; an error thrown by `onRow` ends the read and is passed on as is.
 * A track's id and name are slices of the text read (artists are copied): a reader that keeps them
 * copies them, as TrackTable does into its UTF-8 columns, or they would keep that text alive.
 */
export async function readCatalogRows(
  location: string,
  options: ReadCatalogOptions,
  onRow: (row: RowResult) => void,
): Promise<CatalogFileSummary> {
  const rows = new CatalogRows(location, options.onFormat, false);
  const pieces = fedSplitter(location, options.onProgress, (label) => (rows.label = label));
  let step;
  try {
    for (step = await pieces.next(); !step.done; step = await pieces.next()) rows.drain(step.value, onRow);
  } finally {
    await pieces.return(undefined as never);
  }
  return rows.summary(step.value);
}
