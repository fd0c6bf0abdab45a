import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvRecordSplitter, type CsvRecord } from "./csv";
import { lastRecordEnd, textStart } from "./record-ends";

/** Every record of `text`, or the error the splitter throws. */
function recordsOf(text: string): CsvRecord[] | string {
  const splitter = new CsvRecordSplitter();
  try {
    splitter.feed(new TextDecoder().decode(Buffer.from(text))); // as the reader decodes: a leading byte-order mark dropped
    splitter.end();
    const records: CsvRecord[] = [];
    for (let record = splitter.next(); record !== undefined; record = splitter.next()) records.push(record);
    return records;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Cuts `bytes`, arriving `size` bytes at a time, where lastRecordEnd says records end (as the seed's
 * reader does), parses each piece on its own from its first line, and returns all their records.
 */
function recordsOfPieces(bytes: Buffer, size: number): CsvRecord[] | string {
  const pieces: Buffer[] = [];
  let pending = Buffer.alloc(0);
  for (let at = 0; at < bytes.length; at += size) {
    pending = Buffer.concat([pending, bytes.subarray(at, at + size)]);
    const end = lastRecordEnd(pending, pieces.length === 0 ? textStart(pending) : 0, pending.length);
    if (end !== -1) {
      pieces.push(pending.subarray(0, end));
      pending = pending.subarray(end);
    }
  }
  pieces.push(pending);
  const records: CsvRecord[] = [];
  let firstLine = 1;
  try {
    pieces.forEach((piece, i) => {
      const splitter = new CsvRecordSplitter(firstLine);
      splitter.feed(new TextDecoder("utf-8", { ignoreBOM: firstLine !== 1 }).decode(piece));
      const final = i === pieces.length - 1;
      if (final) splitter.end();
      for (let record = splitter.next(); record !== undefined; record = splitter.next()) records.push(record);
      if (!final) {
        // A piece other than the last ends where a record ends: nothing is left over.
        splitter.end();
        expect(splitter.next()).toBeUndefined();
      }
      firstLine += piece.toString("latin1").split("\n").length - 1;
    });
  } catch (error) {
    if ((error as Error).name === "AssertionError") throw error;
    return (error as Error).message;
  }
  return records;
}

// Text made mostly of what CSV quoting turns on: quotes, commas, line ends.
const csvText = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom('"', '""', ",", "\n", "\r\n", "a", "bc", "é", "日本", " ", "\r", "\uFEFF"), { maxLength: 60 }))
  .map(([byteOrderMark, parts]) => (byteOrderMark ? "\uFEFF" : "") + parts.join(""));

describe("lastRecordEnd", () => {
  it("cuts text into pieces that parse, each on its own, into the records of the whole", () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 12 }), (text, size) => {
        expect(recordsOfPieces(Buffer.from(text), size)).toEqual(recordsOf(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("ends records only at line feeds outside quoted fields", () => {
    const end = (text: string) => lastRecordEnd(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(end("a,b\nc,d\n")).toBe(8);
    expect(end("a,b\nc,d")).toBe(4);
    expect(end('a,"b\nc",d\ne')).toBe(10); // the line feed inside the quoted field ends nothing
    expect(end('a,"b\nc')).toBe(-1); // still inside the quoted field
    expect(end('a,b"c\nd')).toBe(6); // a quote inside an unquoted field is text
    expect(end('"a""\nb"\nc')).toBe(8); // "" is a quote, not the field's end
    expect(end('"a"x\n"')).toBe(5); // text after a closing quote belongs to the field
    expect(end('a,"b"')).toBe(-1); // the last byte may be the first half of ""
    expect(end("abc")).toBe(-1);
  });

  it("starts a file's text after its byte-order mark", () => {
    const bytes = Buffer.from('\uFEFF"a\nb",c\nd\n');
    expect(textStart(bytes)).toBe(3);
    expect(textStart(Buffer.from('"a'))).toBe(0);
    // The quote after the mark opens a field (the decoder drops the mark): the first line feed is inside it.
    expect(lastRecordEnd(bytes, textStart(bytes), 9)).toBe(-1);
    expect(lastRecordEnd(bytes, textStart(bytes), bytes.length)).toBe(bytes.length);
  });

  it("starts from the record start it is given", () => {
    const bytes = Buffer.from('x"\ny,"z\n"\nw\n');
    // From 0, the quote after x is text, and the quoted field "z\n" holds a line feed.
    expect(lastRecordEnd(bytes, 0, bytes.length)).toBe(bytes.length);
    expect(lastRecordEnd(bytes, 0, 9)).toBe(3);
  });
});
