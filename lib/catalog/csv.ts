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

/**
 * One CSV record as ranges of one string: field i is `source.slice(starts[i], ends[i])`. A seed reads
 * ~12M fields, most of them numbers parsed where they lie: a string per field was most of the garbage
 * collector's work. The character at `ends[i]` is never part of a number (a comma, a line end, or
 * the end of `source`).
 */
export class CsvFields {
  source = "";
  starts: Int32Array = new Int32Array(32);
  ends: Int32Array = new Int32Array(32);
  count = 0;
  /** The 1-based line the record starts on. */
  line = 0;

  /** Fields given as strings (a record with quoted fields, or a test's). */
  static of(fields: readonly string[], line = 0): CsvFields {
    return new CsvFields().setStrings(fields, line);
  }

  text(i: number): string {
    return this.source.slice(this.starts[i], this.ends[i]);
  }

  toArray(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.text(i));
  }

  /** True for a blank line (one empty field). */
  isBlank(): boolean {
    return this.count === 1 && this.starts[0] === this.ends[0];
  }

  /** Starts a record of `source` at `line`. */
  reset(source: string, line: number): void {
    this.source = source;
    this.count = 0;
    this.line = line;
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      this.starts = grown(this.starts);
      this.ends = grown(this.ends);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  setStrings(fields: readonly string[], line: number): this {
    // Joined with commas, so that the character after each field is not part of a number.
    this.reset(fields.join(","), line);
    let start = 0;
    for (const field of fields) {
      this.push(start, start + field.length);
      start += field.length + 1;
    }
    return this;
  }
}

function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
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

const COMMA = ",";
const COMMA_CODE = 0x2c;
const LINE_FEED_CODE = 0x0a;

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
  private nextLine: number;
  private ended = false;
  private readonly fields = new CsvFields();

  /** `firstLine`: the line the text fed starts on (a piece of a file cut at a record's end, read.ts). */
  constructor(firstLine = 1) {
    this.nextLine = firstLine;
  }

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
    const fields = this.nextFields();
    return fields === undefined ? undefined : { fields: fields.toArray(), line: fields.line };
  }

  /**
   * next() without a string per field: the record's fields as ranges, in one object the splitter
   * reuses (valid until the next call).
   */
  nextFields(): CsvFields | undefined {
    for (;;) {
      if (this.cutRecord(this.ended && this.queued === "")) return this.fields;
      if (this.queued === "") return undefined;
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

  /** Cuts the record at `start` into `fields`; false when `text` ends before it does (unless `final`). */
  private cutRecord(final: boolean): boolean {
    const { text, start, fields } = this;
    if (start >= text.length) return false;
    if (this.nextQuote !== -1 && this.nextQuote < start) this.nextQuote = text.indexOf(QUOTE, start);
    const lineEnd = text.indexOf("\n", start);
    if (this.nextQuote === -1 || (lineEnd !== -1 && lineEnd < this.nextQuote)) {
      if (lineEnd === -1 && !final) return this.needMoreText();
      const end = lineEnd === -1 ? text.length : lineEnd;
      const stop = end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN_CODE ? end - 1 : end;
      this.start = end + 1;
      fields.reset(text, this.nextLine++);
      let fieldStart = start;
      for (let comma = text.indexOf(COMMA, start); comma !== -1 && comma < stop; comma = text.indexOf(COMMA, comma + 1)) {
        fields.push(fieldStart, comma);
        fieldStart = comma + 1;
      }
      fields.push(fieldStart, stop);
      return true;
    }
    const plain = this.scanPlainQuotedRecord(text, start, final);
    if (plain === undefined) return this.needMoreText();
    if (plain !== null) {
      this.nextLine += 1 + plain.lineFeeds;
      this.start = plain.next;
      return true;
    }
    const quoted = this.scanRecord(text, start, final);
    if (quoted === undefined) return this.needMoreText();
    fields.setStrings(quoted.fields, this.nextLine);
    this.nextLine += 1 + quoted.lineFeeds;
    this.start = quoted.next;
    return true;
  }

  /**
   * Cuts a record with quoted fields into `fields` as ranges of `text`, when it can: when no quoted
   * field holds an escaped quote (`""`) or has text after its closing quote (most quoted records: a
   * name with a comma, a list of artists). null for any other record (scanRecord splits it);
   * undefined when `text` ends before the record does.
   */
  private scanPlainQuotedRecord(text: string, start: number, final: boolean): { next: number; lineFeeds: number } | null | undefined {
    const { fields } = this;
    fields.reset(text, this.nextLine);
    let lineFeeds = 0;
    let position = start;
    let lineEnd = text.indexOf("\n", position);
    for (;;) {
      if (text.charCodeAt(position) === QUOTE_CODE) {
        const close = text.indexOf(QUOTE, position + 1);
        if (close === -1) return final ? null : undefined;
        const after = close + 1 < text.length ? text.charCodeAt(close + 1) : Number.NaN;
        const fieldEnds =
          after === COMMA_CODE || after === LINE_FEED_CODE ||
          (after === CARRIAGE_RETURN_CODE && text.charCodeAt(close + 2) === LINE_FEED_CODE) ||
          (Number.isNaN(after) && final);
        if (!fieldEnds) return Number.isNaN(after) || (after === CARRIAGE_RETURN_CODE && close + 2 >= text.length) ? (final ? null : undefined) : null;
        for (let feed = text.indexOf("\n", position + 1); feed !== -1 && feed < close; feed = text.indexOf("\n", feed + 1)) lineFeeds++;
        fields.push(position + 1, close);
        position = close + 1;
        if (lineEnd !== -1 && lineEnd < position) lineEnd = text.indexOf("\n", position);
        if (after === COMMA_CODE) {
          position++;
          continue;
        }
        // The record ends after this field.
        const end = lineEnd === -1 ? text.length : lineEnd;
        return { next: end + 1, lineFeeds };
      }
      const comma = text.indexOf(COMMA, position);
      if (comma !== -1 && (lineEnd === -1 || comma < lineEnd)) {
        fields.push(position, comma);
        position = comma + 1;
        continue;
      }
      if (lineEnd === -1 && !final) return undefined;
      const end = lineEnd === -1 ? text.length : lineEnd;
      fields.push(position, end > position && text.charCodeAt(end - 1) === CARRIAGE_RETURN_CODE ? end - 1 : end);
      return { next: end + 1, lineFeeds };
    }
  }

  private needMoreText(): false {
    // Only the record's own text counts, once all text fed has been tried: text queued behind it (the
    // rest of a chunk) may well end it.
    if (this.queued === "" && this.text.length - this.start > MAX_RECORD_CHARS) {
      throw new CsvSyntaxError(this.nextLine, `record longer than ${MAX_RECORD_CHARS} characters (unclosed quote?)`);
    }
    return false;
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
