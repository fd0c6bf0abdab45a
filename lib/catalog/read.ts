// Streaming reader for tracks.csv / tracks.csv.gz: the only module of lib/catalog that does I/O.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { PassThrough, Transform, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse } from "csv-parse";
import { checkHeader, parseTrackRow, type ColumnIndex, type RowResult } from "./parse";

/** The file cannot be used at all: unreadable, empty, wrong header or broken CSV quoting. */
export class CatalogFileError extends Error {
  override name = "CatalogFileError";
}

export interface ReadCatalogOptions {
  /** Called once per chunk read; bytes are of the file as stored (compressed for .gz). */
  onProgress?(bytesRead: number, totalBytes: number): void;
}

/** Facts about the whole file, known once it has been read to the end. */
export interface CatalogFileSummary {
  /** sha256 of the file's bytes as stored (the .gz bytes for a .gz file), lowercase hex. */
  sha256: string;
  bytes: number;
}

const READ_CHUNK_BYTES = 1 << 20;
// Records parsed ahead of the consumer before the parser is paused.
const MAX_PENDING_RECORDS = 8192;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Physical line breaks inside a record's fields (quoted newlines); CRLF counts once. */
function lineBreaksWithin(record: readonly string[]): number {
  let breaks = 0;
  for (const field of record) {
    if (field.indexOf("\n") === -1 && field.indexOf("\r") === -1) continue;
    for (let position = 0; position < field.length; position++) {
      const code = field.charCodeAt(position);
      if (code === LINE_FEED || (code === CARRIAGE_RETURN && field.charCodeAt(position + 1) !== LINE_FEED)) breaks++;
    }
  }
  return breaks;
}

function isBlankLine(record: readonly string[]): boolean {
  return record.length === 1 && record[0] === "";
}

/**
 * Streams the rows of a Kaggle tracks.csv (or .csv.gz) file, never holding the whole file in memory.
 * Yields one RowResult per data row with its 1-based physical line (where the row starts); blank
 * lines are skipped; a repeated id is rejected as `id: duplicate of line N`. Throws CatalogFileError
 * when the file cannot be read, is empty, lacks required columns or has broken CSV quoting.
 *
 * The generator's return value is the CatalogFileSummary (sha256 of the file), so read it with
 * `next()` rather than `for await`, which discards it:
 *   const rows = readCatalog(path);
 *   for (let step = await rows.next(); !step.done; step = await rows.next()) use(step.value);
 *   // step.value is now the summary
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
  const parser = parse({ bom: true, relax_column_count: true, record_delimiter: ["\r\n", "\n"] });

  // Records are queued from 'data' events: far cheaper per record than the stream's async iterator.
  const pending: string[][] = [];
  let parserEnded = false;
  let failure: Error | undefined;
  let wakeConsumer: (() => void) | undefined;
  const notifyConsumer = () => {
    const wake = wakeConsumer;
    wakeConsumer = undefined;
    wake?.();
  };
  parser.on("data", (record: string[]) => {
    pending.push(record);
    if (pending.length >= MAX_PENDING_RECORDS) parser.pause();
    notifyConsumer();
  });
  parser.on("end", () => {
    parserEnded = true;
    notifyConsumer();
  });
  const decoder = path.endsWith(".gz") ? createGunzip() : new PassThrough();
  pipeline(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), meter, decoder, parser, (error) => {
    if (error) {
      failure = error;
      notifyConsumer();
    }
  });

  try {
    let columns: ColumnIndex | undefined;
    const lineOfId = new Map<string, number>();
    let nextLine = 1;
    let consumed = 0;
    for (;;) {
      if (consumed === pending.length) {
        pending.length = 0;
        consumed = 0;
        if (failure !== undefined) throw failure;
        if (parserEnded) break;
        parser.resume();
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
        continue;
      }
      const record = pending[consumed++];
      const line = nextLine;
      nextLine += 1 + lineBreaksWithin(record);
      if (isBlankLine(record)) continue;

      if (columns === undefined) {
        const header = checkHeader(record);
        if (!header.ok) throw new CatalogFileError(`${path} lacks required columns: ${header.missing.join(", ")}`);
        columns = header.index;
        continue;
      }
      const result = parseTrackRow(record, columns, line);
      if (result.ok) {
        const firstLine = lineOfId.get(result.track.id);
        if (firstLine !== undefined) {
          yield { ok: false, line, field: "id", reason: `id: duplicate of line ${firstLine}` };
          continue;
        }
        lineOfId.set(result.track.id, line);
      }
      yield result;
    }
    if (columns === undefined) throw new CatalogFileError(`${path} is empty`);
    return { sha256: hash.digest("hex"), bytes: bytesRead };
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    throw new CatalogFileError(`${path}: ${(error as Error).message}`);
  } finally {
    parser.destroy(); // stops the pipeline when the consumer leaves early; a no-op once it has ended
  }
}
