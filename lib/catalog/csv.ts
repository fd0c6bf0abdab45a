// Streaming CSV record splitter for the catalog files. Pure: text chunks in, records out.
// Hand-written rather than csv-parse because it must split ≥150k rows/s: csv-parse's byte-at-a-time
// loop alone manages about that on the target machine, before any validation. Lines without a quote
// (most of tracks.csv) take a native split; only quoted records are scanned character by character.
// csv-parse stays the reference it is tested against (csv.test.ts).

/** One CSV record and the 1-based line it starts on (lines are LF-separated; CRLF counts once). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The text cannot be split into records; `line` is where the offending record starts. */
export class CsvSyntaxError extends Error {
  override name = "CsvSyntaxError";
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const QUOTE = '"';
const QUOTE_CODE = 0x22;
const CARRIAGE_RETURN_CODE = 0x0d;
// Bounds the text held for one unfinished record, so an unclosed quote cannot swallow a whole file.
export const MAX_RECORD_CHARS = 1 << 20;
// Past this, an unfinished record (a long quoted field) is joined to the whole next chunk rather than
// line by line, which would copy it once per line.
const JOIN_WHOLE_CHUNK_CHARS = 1 << 16;

function withoutTrailingCarriageReturn(text: string): string {
  return text.charCodeAt(text.length - 1) === CARRIAGE_RETURN_CODE ? text.slice(0, -1) : text;
}

function countLineFeeds(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/**
 * Splits RFC 4180 CSV (comma-separated, `""` escapes a quote inside a quoted field, quoted fields may
 * hold newlines, LF or CRLF row ends) fed in arbitrary chunks. Lenient like Python's csv module: a
 * quote inside an unquoted field is kept as text, and text after a closing quote is appended to the field.
 * A blank line is the record `[""]`. Records are cut one at a time on demand, so each dies young.
 */
export class CsvRecordSplitter {
  /** The text being split, from `start` on. */
  private text = "";
  private start = 0;
  /** Text fed but not yet moved into `text` (see feed). */
  private queued = "";
  private nextQuote = -1;
  private nextLine = 1;
  private ended = false;

  /** Adds a chunk of text; splitting is fastest when next() has been drained before each feed. */
  feed(chunk: string): void {
    if (this.queued !== "") {
      this.queued += chunk;
      return;
    }
    const unfinished = this.text.slice(this.start);
    // Joining the unfinished record to a whole 1 MiB chunk makes V8 copy the chunk, slowly (~8 ms for
    // TextDecoder output). Join it to the chunk's first line only, and queue the rest of the chunk.
    const firstLineEnd = chunk.indexOf("\n") + 1;
    if (unfinished === "" || firstLineEnd === 0 || unfinished.length > JOIN_WHOLE_CHUNK_CHARS) {
      this.setText(unfinished + chunk);
    } else {
      this.setText(unfinished + chunk.slice(0, firstLineEnd));
      this.queued = chunk.slice(firstLineEnd);
    }
  }

  /** Marks the end of the input, so a last record without a trailing newline is complete. */
  end(): void {
    this.ended = true;
  }

  /** The next complete record, or undefined when more text is needed (or, after end(), none is left). */
  next(): CsvRecord | undefined {
    for (;;) {
      const record = this.cutRecord(this.ended && this.queued === "");
      if (record !== undefined || this.queued === "") return record;
      const queued = this.queued;
      this.queued = "";
      this.feed(queued);
    }
  }

  private setText(text: string): void {
    this.text = text;
    this.start = 0;
    this.nextQuote = text.indexOf(QUOTE);
  }

  /** Cuts the record at `start`; undefined when `text` ends before it does (unless `final`). */
  private cutRecord(final: boolean): CsvRecord | undefined {
    const { text, start } = this;
    if (start >= text.length) return undefined;
    if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = text.indexOf(QUOTE, start);
    const lineEnd = text.indexOf("\n", start);
    if (this.nextQuote === -1 || (lineEnd !== -1 && lineEnd < this.nextQuote)) {
      if (lineEnd === -1 && !final) return this.needMoreText();
      const end = lineEnd === -1 ? text.length : lineEnd;
      this.start = end + 1;
      return { fields: withoutTrailingCarriageReturn(text.slice(start, end)).split(","), line: this.nextLine++ };
    }
    const quoted = this.scanRecord(text, start, final);
    if (quoted === undefined) return this.needMoreText();
    const line = this.nextLine;
    this.nextLine += 1 + quoted.lineFeeds;
    this.start = quoted.next;
    return { fields: quoted.fields, line };
  }

  private needMoreText(): undefined {
    if (this.text.length - this.start + this.queued.length > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(this.nextLine, `record longer than ${MAX_RECORD_CHARS} characters (unclosed quote?)`);
    }
    return undefined;
  }

  /** Scans a record that contains a quote; undefined when `text` ends before the record does. */
  private scanRecord(
    text: string,
    start: number,
    final: boolean,
  ): { fields: string[]; next: number; lineFeeds: number } | undefined {
    const fields: string[] = [];
    let lineFeeds = 0;
    let position = start;
    let lineEnd = text.indexOf("\n", position);
    for (;;) {
      let value = "";
      if (text.charCodeAt(position) === QUOTE_CODE) {
        let cursor = position + 1;
        for (;;) {
          const close = text.indexOf(QUOTE, cursor);
          if (close === -1 || (close === text.length - 1 && !final)) {
            // The closing quote may still come, or be the first half of an escaped `""`.
            if (final) throw new CsvSyntaxError(this.nextLine, "quoted field is not closed");
            return undefined;
          }
          value += text.slice(cursor, close);
          if (text.charCodeAt(close + 1) !== QUOTE_CODE) {
            position = close + 1;
            break;
          }
          value += QUOTE;
          cursor = close + 2;
        }
        lineFeeds += countLineFeeds(value);
        if (lineEnd !== -1 && lineEnd < position) lineEnd = text.indexOf("\n", position);
      }
      const comma = text.indexOf(",", position);
      if (comma !== -1 && (lineEnd === -1 || comma < lineEnd)) {
        fields.push(value + text.slice(position, comma));
        position = comma + 1;
        continue;
      }
      if (lineEnd === -1 && !final) return undefined;
      const end = lineEnd === -1 ? text.length : lineEnd;
      fields.push(value + withoutTrailingCarriageReturn(text.slice(position, end)));
      return { fields, next: end + 1, lineFeeds };
    }
  }
}
