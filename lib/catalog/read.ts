// Streaming reader for catalog files (.csv or gzipped), in any format of formats.ts. The catalog's
// bytes come from source.ts; this module hashes, meters and gunzips them and turns them into rows.
import { createHash } from "node:crypto";
import { Readable, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { CsvRecordSplitter, type CsvRecord } from "./csv";
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
class CatalogRows {
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
  ) {}

  get format(): CatalogFormat | undefined {
    return this.match?.format;
  }

  /** The row's result, or undefined for the header and blank lines. */
  accept({ fields, line }: CsvRecord): RowResult | undefined {
    if (fields.length === 1 && fields[0] === "") return undefined;
    if (this.match === undefined) {
      const header = matchHeader(fields);
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
    const result = parseCatalogRow(this.match.format.id, fields, this.match.index, line, this.intern);
    if (result.ok) {
      // Kept for the whole seed: copied out of the decoded chunk, which would otherwise stay alive
      // as long as any of them (all of the file's text, once every chunk holds a kept name). An
      // artist's name is kept once however many tracks it has.
      const track = result.track;
      track.id = detached(track.id);
      track.name = detached(track.name);
      if (track.artists.length === 1) track.artists = this.soloArtist(track.artists[0]);
      else for (let i = 0; i < track.artists.length; i++) track.artists[i] = this.intern(track.artists[i]);
    }
    return result;
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
async function openCsvBytes(location: string, onProgress: ReadCatalogOptions["onProgress"]) {
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
  const csv = await openCsvBytes(location, onProgress);
  onOpen?.(csv.label);
  const decoder = new TextDecoder("utf-8");
  const splitter = new CsvRecordSplitter();
  const drain = () => {
    const records: CsvRecord[] = [];
    for (let record = splitter.next(); record !== undefined; record = splitter.next()) records.push(record);
    return records;
  };
  try {
    for await (const chunk of csv.chunks) {
      splitter.feed(decoder.decode(chunk, { stream: true }));
      const records = drain();
      if (records.length > 0) yield records;
    }
    splitter.feed(decoder.decode());
    splitter.end();
    const records = drain();
    if (records.length > 0) yield records;
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CatalogFileError(`${csv.label}: ${(error as Error).message}`);
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

/** readCatalog, one array of row results per chunk read (see readCsvRecordBatches). */
export async function* readCatalogBatches(
  location: string,
  options: ReadCatalogOptions = {},
): AsyncGenerator<RowResult[], CatalogFileSummary, undefined> {
  const rows = new CatalogRows(location, options.onFormat);
  const records = readCsvRecordBatches(location, options.onProgress, (label) => (rows.label = label));
  let step;
  try {
    for (step = await records.next(); !step.done; step = await records.next()) {
      const results: RowResult[] = [];
      for (const record of step.value) {
        const result = rows.accept(record);
        if (result !== undefined) results.push(result);
      }
      if (results.length > 0) yield results;
    }
  } catch (error) {
    if (error instanceof CatalogFileError || error === rows.callbackError) throw error;
    throw new CatalogFileError(`${rows.label}: ${(error as Error).message}`);
  } finally {
    await records.return(undefined as never);
  }
  if (rows.format === undefined) throw new CatalogFileError(`${rows.label} is empty`);
  return { sha256: step.value.sha256, bytes: step.value.bytes, format: rows.format.id };
}
