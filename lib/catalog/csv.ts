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
  private text = "";
  private start = 0;
  private nextQuote = -1;
  private nextLine = 1;
  private ended = false;

  /** Adds a chunk of text. */
  feed(chunk: string): void {
    this.text = this.text.slice(this.start) + chunk;
    this.start = 0;
    this.nextQuote = this.text.indexOf(QUOTE);
  }

  /** Marks the end of the input, so a last record without a trailing newline is complete. */
  end(): void {
    this.ended = true;
  }

  /** The next complete record, or undefined when more text is needed (or, after end(), none is left). */
  next(): CsvRecord | undefined {
    const { text, start } = this;
    if (start >= text.length) return undefined;
    if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = text.indexOf(QUOTE, start);
    const lineEnd = text.indexOf("\n", start);
    if (this.nextQuote === -1 || (lineEnd !== -1 && lineEnd < this.nextQuote)) {
      if (lineEnd === -1 && !this.ended) return this.needMoreText();
      const end = lineEnd === -1 ? text.length : lineEnd;
      this.start = end + 1;
      return { fields: withoutTrailingCarriageReturn(text.slice(start, end)).split(","), line: this.nextLine++ };
    }
    const quoted = this.scanRecord(text, start, this.ended);
    if (quoted === undefined) return this.needMoreText();
    const line = this.nextLine;
    this.nextLine += 1 + quoted.lineFeeds;
    this.start = quoted.next;
    return { fields: quoted.fields, line };
  }

  private needMoreText(): undefined {
    if (this.text.length - this.start > MAX_RECORD_CHARS) {
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
