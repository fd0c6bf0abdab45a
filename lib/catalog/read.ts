// Streaming reader for tracks.csv / tracks.csv.gz: the only module of lib/catalog that does I/O.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Transform, pipeline, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CsvRecordSplitter, CsvSyntaxError, type CsvRecord } from "./csv";
import { checkHeader, parseTrackRow, type ColumnIndex, type RowResult } from "./parse";

/** The file cannot be used at all: unreadable, not gzip, empty, wrong header or broken CSV quoting. */
export class CatalogFileError extends Error {
  override name = "CatalogFileError";
}

export interface ReadCatalogOptions {
  /** Called once per chunk read (1 MiB); bytes are of the file as stored (compressed for .gz). */
  onProgress?(bytesRead: number, totalBytes: number): void;
}

/** Facts about the whole file, known once it has been read to the end. */
export interface CatalogFileSummary {
  /** sha256 of the file's bytes as stored (the compressed bytes for .gz), lowercase hex. */
  sha256: string;
  bytes: number;
}

const READ_CHUNK_BYTES = 1 << 20;

/**
 * A copy of `text` that shares no memory with the chunk it was sliced from: V8 keeps a whole parent
 * string alive for any slice of it, so the ids kept to find duplicates would pin every chunk read.
 */
function detached(text: string): string {
  return (" " + text).slice(1);
}

/** Turns CSV records into row results: the first non-blank record is the header; repeated ids are rejected. */
class CatalogRows {
  private columns: ColumnIndex | undefined;
  private readonly lineOfId = new Map<string, number>();

  constructor(private readonly path: string) {}

  get sawHeader(): boolean {
    return this.columns !== undefined;
  }

  /** The row's result, or undefined for the header and blank lines. */
  accept({ fields, line }: CsvRecord): RowResult | undefined {
    if (fields.length === 1 && fields[0] === "") return undefined;
    if (this.columns === undefined) {
      const header = checkHeader(fields);
      if (!header.ok) throw new CatalogFileError(`${this.path} lacks required columns: ${header.missing.join(", ")}`);
      this.columns = header.index;
      return undefined;
    }
    const result = parseTrackRow(fields, this.columns, line);
    if (!result.ok) return result;
    const { track } = result;
    const firstLine = this.lineOfId.get(track.id);
    if (firstLine !== undefined) return { ok: false, line, field: "id", reason: `id: duplicate of line ${firstLine}` };
    track.id = detached(track.id);
    this.lineOfId.set(track.id, line);
    return result;
  }
}

/** The file's CSV bytes (gunzipped for .gz), hashing and metering the stored bytes on the way. */
function openCsvBytes(path: string, totalBytes: number, options: ReadCatalogOptions) {
  const hash = createHash("sha256");
  let bytesRead = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytesRead += chunk.length;
      options.onProgress?.(bytesRead, totalBytes);
      done(null, chunk);
    },
  });
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const onError = () => {}; // pipeline destroys every stream on error; the error surfaces through `stream`.
  const stream: Readable = path.endsWith(".gz")
    ? pipeline(file, meter, createGunzip({ chunkSize: READ_CHUNK_BYTES }), onError)
    : pipeline(file, meter, onError);
  return {
    stream,
    summary: (): CatalogFileSummary => ({ sha256: hash.digest("hex"), bytes: bytesRead }),
  };
}

/**
 * Streams the rows of a Kaggle tracks.csv (or .csv.gz) file, holding one 1 MiB chunk at a time.
 * Yields one RowResult per data row with the 1-based line the row starts on; blank lines are skipped;
 * a repeated id is rejected as `id: duplicate of line N`. Throws CatalogFileError when the file cannot
 * be read, is empty, lacks required columns or has an unclosed quote.
 *
 * The generator's return value is the file's CatalogFileSummary (its sha256). `for await` discards
 * return values, so read it with `next()`:
 *   const rows = readCatalog(path);
 *   let step = await rows.next();
 *   for (; !step.done; step = await rows.next()) use(step.value);
 *   const { sha256 } = step.value;
 */
export async function* readCatalog(
  path: string,
  options: ReadCatalogOptions = {},
): AsyncGenerator<RowResult, CatalogFileSummary, undefined> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(path)).size;
  } catch (error) {
    throw new CatalogFileError(`${path} cannot be read: ${(error as Error).message}`);
  }
  const csv = openCsvBytes(path, totalBytes, options);
  const decoder = new TextDecoder("utf-8");
  const splitter = new CsvRecordSplitter();
  const rows = new CatalogRows(path);
  try {
    for await (const chunk of csv.stream) {
      splitter.feed(decoder.decode(chunk as Buffer, { stream: true }));
      for (let record = splitter.next(); record !== undefined; record = splitter.next()) {
        const result = rows.accept(record);
        if (result !== undefined) yield result;
      }
    }
    splitter.feed(decoder.decode());
    splitter.end();
    for (let record = splitter.next(); record !== undefined; record = splitter.next()) {
      const result = rows.accept(record);
      if (result !== undefined) yield result;
    }
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CatalogFileError(`${path}: ${(error as Error).message}`);
  } finally {
    csv.stream.destroy(); // closes the file when the consumer stops early; a no-op once read to the end
  }
  if (!rows.sawHeader) throw new CatalogFileError(`${path} is empty`);
  return csv.summary();
}
