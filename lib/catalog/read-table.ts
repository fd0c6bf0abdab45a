// Reads a catalog file into a TrackTable for the seed, on two threads when the file is in the 600k
// format: the file is cut into pieces of whole records (record-ends.ts), and while this thread reads,
// gunzips and parses some pieces, a worker thread parses others (chunk-worker.ts). Every piece's
// rows join the table in file order, so the table is the one a single thread builds.
import { Worker } from "node:worker_threads";
import { checkWholeRecords, parseChunk, pieceSplitter, type ParsedChunk } from "./chunk";
import { MAX_RECORD_CHARS } from "./csv";
import type { ColumnIndex, RowRejection, RowResult } from "./parse";
import { CatalogFileError, CatalogRows, openCsvBytes, type CatalogFileSummary, type ReadCatalogOptions } from "./read";
import { lastRecordEnd, textStart } from "./record-ends";
import type { TrackTable } from "./track-table";
import type { CatalogTrack } from "./types";

/** Bytes of CSV per piece: ~5,500 rows of the 600k file. */
const PIECE_BYTES = 1 << 20;
/** Pieces waiting at the worker at most; the next one is parsed on this thread instead. */
const WORKER_QUEUE = 4;
/** Past this share of the stored file, at most one piece waits at the worker. */
const NEAR_END = 0.97;
/** Parsed pieces held at most behind one the worker has not sent back: then the read waits for it. */
const MAX_HELD_PIECES = 32;
/** After this many rows the table is sized for the whole file (TrackTable.reserve). */
const RESERVE_AFTER_ROWS = 100_000;
const RESERVE_MARGIN = 1.5;

/** A piece of the file for parseChunk, and where it is in the file. */
export interface ChunkJob {
  id: number;
  bytes: Uint8Array;
  index: ColumnIndex;
  options: Parameters<typeof parseChunk>[2];
}
/** A parsed piece, or the error of the file's content it holds (an unclosed quote). */
export type ChunkReply = { id: number; parsed: ParsedChunk } | { id: number; error: string };

export interface ReadIntoTableOptions extends ReadCatalogOptions {
  /** Parse on a second thread when the file is in the 600k format (the seed does). */
  parallel: boolean;
  /**
   * Called with each valid track before it joins the table (the seed adds an artists file's genres);
   * a read with it stays on one thread.
   */
  onTrack?(track: CatalogTrack): void;
  /** Every rejected row, in file order. */
  onRejection(rejection: RowRejection): void;
}

/**
 * Reads a catalog file of any format into `table` (valid rows; a row repeating a track merges into
 * it, TrackTable.add). Resolves to the file's summary, the number of rows read and how many pieces
 * the second thread parsed. Errors are readCatalog's: CatalogFileError for a file that cannot be
 * read, is empty, has an unknown header or an unclosed quote; an error thrown by a callback ends the
 * read as is; a failure mid-file comes after every whole record before it has been read, as with
 * readCatalog. One difference: a record of more than MAX_RECORD_CHARS characters that does end may
 * be read here where readCatalog refuses it (whether it does depends on where its chunks fell); an
 * unclosed quote is refused the same way by both.
 */
export async function readCatalogIntoTable(
  location: string, options: ReadIntoTableOptions, table: TrackTable,
): Promise<CatalogFileSummary & { rowsRead: number; workerPieces: number }> {
  let bytesRead = 0;
  let totalBytes: number | null = null;
  /** CSV bytes out of gunzip so far, and those of the pieces whose rows are in the table. */
  let csvBytes = 0;
  let csvBytesInTable = 0;
  let reserved = false;
  const reserveWhenDue = () => {
    if (reserved || table.length < RESERVE_AFTER_ROWS || totalBytes === null || bytesRead === 0) return;
    reserved = true;
    // The file's rows, estimated from the rows per CSV byte in the table and the CSV bytes per stored
    // byte so far (pieces still at the worker and gunzip's read-ahead are no rows yet, so not
    // counted; the file is read ahead of gunzip, so the CSV bytes per stored byte come out low), with
    // room to spare: finish() keeps the columns as views when at least 3/4 of them is used.
    const csvBytesInFile = (csvBytes * totalBytes) / bytesRead;
    table.reserve(Math.ceil(((table.length * csvBytesInFile) / csvBytesInTable) * RESERVE_MARGIN));
  };
  const rows = new CatalogRows(location, options.onFormat, false);
  let rowsRead = 0;
  const onRow = (row: RowResult) => {
    rowsRead++;
    if (row.ok) {
      options.onTrack?.(row.track);
      table.add(row.track);
    } else {
      options.onRejection(row);
    }
  };
  const csv = await openCsvBytes(location, (bytes, total) => {
    bytesRead = bytes;
    totalBytes = total;
    options.onProgress?.(bytes, total);
  });
  rows.label = csv.label;
  const parallel = options.parallel && options.onTrack === undefined;
  // Started with the first piece after the header, when there is more to come than that piece: it
  // loads while this thread parses the next ones. A file of one piece never starts it.
  let worker = null as ChunkWorker | null;
  /** Pieces parsed into columns, or being parsed, that have not joined the table yet (file order). */
  const queue: { bytes: number; reply?: ChunkReply; parsing?: Promise<void> }[] = [];
  let firstLine = 1;
  /** Where a cut is looked for in bytes from the file's start (after a byte-order mark) or from a record's start (0). */
  let scanFrom = textStart;
  let nextId = 0;
  let workerPieces = 0;
  /** Set once the read is over (done or failed): a piece the worker lost is not parsed any more. */
  let stopped = false;

  const mergeReady = () => {
    while (queue.length > 0 && queue[0].reply !== undefined) {
      const { reply, bytes } = queue.shift()!;
      if ("error" in reply!) throw new CatalogFileError(`${rows.label}: ${reply.error}`);
      rowsRead += mergeParsed(rows, reply!.parsed, table, options.onRejection);
      csvBytesInTable += bytes;
      reserveWhenDue();
    }
  };

  // Parses a piece of whole records (the last one: up to the end of the file), or has the worker parse it.
  const take = (bytes: Buffer, final: boolean) => {
    const where = { firstLine, final };
    firstLine += lineFeedsIn(bytes);
    scanFrom = () => 0;
    const index = rows.format?.id === "tracks-600k" ? (rows.index as unknown as ColumnIndex) : undefined;
    if (!parallel || index === undefined) {
      // On this thread (or the header not read yet: then no piece is queued), straight into the table.
      parseIntoTable(rows, bytes, where, onRow);
      csvBytesInTable += bytes.length;
      reserveWhenDue();
      return;
    }
    const job: ChunkJob = { id: nextId++, bytes, index, options: { ...where, skipHeader: false } };
    const piece: (typeof queue)[number] = { bytes: bytes.length };
    if (!final) worker ??= ChunkWorker.start();
    // Near the end of the file, fewer pieces wait at the worker: this thread would only wait for them.
    const nearEnd = totalBytes !== null && bytesRead >= NEAR_END * totalBytes;
    if (worker !== null && worker.usable && worker.queued < (nearEnd ? 1 : WORKER_QUEUE)) {
      piece.parsing = worker.parse(job).then(
        (reply) => void ((piece.reply = reply), workerPieces++),
        // The thread failed (not the file): this thread parses the piece after all, unless the read is over.
        () => void (piece.reply = stopped ? { id: job.id, error: "the read ended" } : parseHere(job)),
      );
    } else {
      piece.reply = parseHere(job);
    }
    queue.push(piece);
    mergeReady();
  };

  const chunks = csv.chunks[Symbol.asyncIterator]();
  let unfinished: Buffer = Buffer.alloc(0);
  const allParsed = async () => {
    for (const piece of [...queue]) await piece.parsing;
    mergeReady();
  };
  try {
    let failure: CatalogFileError | undefined;
    for (;;) {
      let step;
      try {
        step = await chunks.next();
      } catch (error) {
        // Reading, gunzipping or decoding failed.
        failure = error instanceof CatalogFileError ? error : new CatalogFileError(`${csv.label}: ${(error as Error).message}`);
        break;
      }
      if (step.done) break;
      csvBytes += step.value.length;
      let bytes = unfinished.length === 0 ? step.value : Buffer.concat([unfinished, step.value]);
      while (bytes.length >= PIECE_BYTES) {
        const end = lastRecordEnd(bytes, scanFrom(bytes), bytes.length);
        if (end === -1) {
          // One unfinished record so far: one longer than the splitter allows (an unclosed quote) ends the read.
          if (bytes.length > MAX_RECORD_CHARS) failure = recordTooLong(rows.label, bytes, firstLine);
          break;
        }
        take(bytes.subarray(0, end), false);
        bytes = bytes.subarray(end);
      }
      unfinished = bytes;
      if (failure !== undefined) break;
      if (queue.length > MAX_HELD_PIECES) await queue[0].parsing;
      mergeReady(); // replies that came in while this thread was busy
    }
    if (failure !== undefined) {
      // As a reader going record by record: every whole record before the failure is read (its
      // callbacks run, and may throw first), then the failure.
      const end = lastRecordEnd(unfinished, scanFrom(unfinished), unfinished.length);
      if (end > 0) take(unfinished.subarray(0, end), false);
      await allParsed();
      throw failure;
    }
    take(unfinished, true);
    await allParsed();
  } finally {
    stopped = true;
    csv.close();
    await worker?.terminate();
  }
  return { ...rows.summary(csv.hashed()), rowsRead, workerPieces };
}

/** Line feeds in a piece: the lines it spans, the last one ended. */
function lineFeedsIn(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) count++;
  return count;
}

/** A piece parsed on this thread, row objects straight into the table (CatalogRows: the header, any format). */
function parseIntoTable(rows: CatalogRows, bytes: Buffer, where: { firstLine: number; final: boolean }, onRow: (row: RowResult) => void) {
  const splitter = pieceSplitter(bytes, where.firstLine, where.final);
  rows.drain(splitter, onRow);
  if (!where.final) checkWholeRecords(splitter);
}

/**
 * The splitter's error for an unfinished record (starting at `firstLine`) longer than it allows,
 * MAX_RECORD_CHARS characters, or undefined when it is not that long: a reader holds no more of a
 * file than that for one record.
 */
function recordTooLong(label: string, bytes: Buffer, firstLine: number): CatalogFileError | undefined {
  // Not final: a character cut at the end of the bytes read so far is no character yet.
  const splitter = pieceSplitter(bytes, firstLine, false);
  try {
    splitter.nextFields();
    return undefined;
  } catch (error) {
    return new CatalogFileError(`${label}: ${(error as Error).message}`);
  }
}


/** What the worker does with a piece, done on this thread. */
function parseHere(job: ChunkJob): ChunkReply {
  try {
    return { id: job.id, parsed: parseChunk(job.bytes, job.index, job.options) };
  } catch (error) {
    return { id: job.id, error: (error as Error).message };
  }
}

/** Adds a parsed piece's rows to the table and passes on its rejections; returns the rows it read. */
function mergeParsed(rows: CatalogRows, parsed: ParsedChunk, table: TrackTable, onRejection: (rejection: RowRejection) => void): number {
  const { artists: names, artistEnds: ends } = parsed;
  let artist = 0;
  for (let j = 0; j < parsed.rows; j++) {
    const artists = new Array<string>(parsed.artistCounts[j]);
    // Slices of the piece's text: keptArtists keeps copies, so the text is garbage after the piece.
    for (let k = 0; k < artists.length; k++, artist++) artists[k] = names.slice(artist === 0 ? 0 : ends[artist - 1], ends[artist]);
    table.addParsed(parsed, j, rows.keptArtists(artists));
  }
  for (const rejection of parsed.rejections) onRejection(rejection);
  return parsed.rowsRead;
}

/**
 * The worker thread that parses pieces (chunk-worker.ts). If it cannot start or fails, the pieces it
 * held are parsed on this thread, and the read goes on there (saying so once, on stderr).
 */
class ChunkWorker {
  usable = true;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(reply: ChunkReply): void; reject(error: Error): void }>();

  /** A started worker, or null (said on stderr) when one cannot be started here. */
  static start(): ChunkWorker | null {
    try {
      return new ChunkWorker();
    } catch (error) {
      warnOneThread(error);
      return null;
    }
  }

  private constructor() {
    const module = new URL("./chunk-worker.ts", import.meta.url).href;
    // A worker does not inherit tsx's loader: it registers it (resolved from here, not from the
    // working directory) before it loads its TypeScript module.
    const tsx = import.meta.resolve("tsx/esm/api");
    this.worker = new Worker(
      `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); });`,
      { eval: true },
    );
    this.worker.on("message", (reply: ChunkReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiting?.resolve(reply);
    });
    this.worker.on("error", (error) => this.fail(error));
    this.worker.on("exit", (code) => this.fail(new Error(`the parsing thread exited (code ${code})`)));
  }

  get queued(): number {
    return this.waiting.size;
  }

  parse(job: ChunkJob): Promise<ChunkReply> {
    return new Promise((resolve, reject) => {
      this.waiting.set(job.id, { resolve, reject });
      // A copy of exactly the piece, handed over: this thread keeps its bytes in case the worker
      // fails, and a view's whole buffer (a piece is one) would be cloned.
      const bytes = new Uint8Array(job.bytes);
      this.worker.postMessage({ ...job, bytes }, [bytes.buffer]);
    });
  }

  async terminate(): Promise<void> {
    this.usable = false; // before the exit event: ending it is no failure
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    if (this.usable) warnOneThread(error);
    this.usable = false;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

function warnOneThread(error: unknown): void {
  console.warn(`The seed's parsing thread is not available (${(error as Error).message}): the file is read on one thread.`);
}
