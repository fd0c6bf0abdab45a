import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvRecordSplitter, CsvSyntaxError, MAX_RECORD_CHARS, type CsvRecord } from "./csv";

function drain(splitter: CsvRecordSplitter, into: CsvRecord[]): void {
  for (let record = splitter.next(); record !== undefined; record = splitter.next()) into.push(record);
}

function splitChunks(chunks: readonly string[]): CsvRecord[] {
  const splitter = new CsvRecordSplitter();
  const records: CsvRecord[] = [];
  for (const chunk of chunks) {
    splitter.feed(chunk);
    drain(splitter, records);
  }
  splitter.end();
  drain(splitter, records);
  return records;
}

const split = (text: string) => splitChunks([text]);
const fieldsOf = (text: string) => split(text).map((record) => record.fields);

/** Every way of cutting `text` in two, and one character at a time. */
function everyChunking(text: string): string[][] {
  const cuts = Array.from({ length: text.length + 1 }, (_, at) => [text.slice(0, at), text.slice(at)]);
  return [...cuts, [...text]];
}

describe("CsvRecordSplitter", () => {
  it("splits plain and quoted fields", () => {
    expect(fieldsOf('a,b,c\n1,"x, y",3\n')).toEqual([["a", "b", "c"], ["1", "x, y", "3"]]);
    expect(fieldsOf('"say ""hi""",""\n')).toEqual([['say "hi"', ""]]);
    expect(fieldsOf("a,,\n")).toEqual([["a", "", ""]]);
  });

  it("accepts CRLF, a missing final newline, and keeps a CR inside quotes", () => {
    expect(fieldsOf("a,b\r\n1,2\r\n")).toEqual([["a", "b"], ["1", "2"]]);
    expect(fieldsOf("a,b\n1,2")).toEqual([["a", "b"], ["1", "2"]]);
    expect(fieldsOf('a,"b\r"\r\n')).toEqual([["a", "b\r"]]);
    expect(fieldsOf('"a",b\r\n"c"\r\n')).toEqual([["a", "b"], ["c"]]);
  });

  it("gives blank lines as [''] and counts them", () => {
    expect(split("a\n\nb\n")).toEqual([
      { fields: ["a"], line: 1 },
      { fields: [""], line: 2 },
      { fields: ["b"], line: 3 },
    ]);
  });

  it("reports the line a record starts on when quoted fields hold newlines", () => {
    const records = split('h1,h2\n"two\nlines",x\r\n"three\r\n\nlines","a""\nb"\nlast,1\n');
    expect(records.map((record) => record.line)).toEqual([1, 2, 4, 8]);
    expect(records[2].fields).toEqual(["three\r\n\nlines", 'a"\nb']);
  });

  it("is lenient about stray quotes, like Python's csv module", () => {
    expect(fieldsOf('ab"c,d\n')).toEqual([['ab"c', "d"]]);
    expect(fieldsOf('"ab"c,d\n')).toEqual([["abc", "d"]]);
  });

  it("throws on an unclosed quote with the line it starts on", () => {
    expect(() => split('a\n"b\nc')).toThrowError(new CsvSyntaxError(2, "quoted field is not closed"));
    expect(() => split('a\n"b""')).toThrowError(CsvSyntaxError);
  });

  it("throws instead of buffering an endless record", () => {
    const splitter = new CsvRecordSplitter();
    splitter.feed(`a\n"${"x".repeat(MAX_RECORD_CHARS)}`);
    expect(splitter.next()).toEqual({ fields: ["a"], line: 1 });
    expect(() => splitter.next()).toThrowError(/line 2: record longer than/);
  });

  it("gives the same records however the text is chunked", () => {
    const text = 'id,name\r\n1,"a, ""b""\nc"\r\n\r\n2,plain\r\n3,"x"';
    const expected = split(text);
    for (const chunks of everyChunking(text)) expect(splitChunks(chunks)).toEqual(expected);
  });

  it("gives the same records when fed several chunks before being drained", () => {
    const text = 'a,"b\nc"\r\nd,e\n"f"\n';
    const splitter = new CsvRecordSplitter();
    for (const chunk of [...text]) splitter.feed(chunk);
    splitter.end();
    const records: CsvRecord[] = [];
    drain(splitter, records);
    expect(records).toEqual(split(text));
  });

  it("splits a quoted field longer than a chunk, with newlines in it", () => {
    const long = "line\n".repeat(30_000);
    const text = `id,notes\n1,"${long}"\n2,x\n`;
    const chunks = text.match(/[^]{1,10000}/g) ?? [];
    expect(splitChunks(chunks)).toEqual([
      { fields: ["id", "notes"], line: 1 },
      { fields: ["1", long], line: 2 },
      { fields: ["2", "x"], line: 30_003 },
    ]);
  });

  it("agrees with csv-parse on any well-formed CSV, in any chunking", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "é", " ", ",", '"', "\n", "\r", "\r\n", "'", "[") });
    const table = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });
    const quoteIfNeeded = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.array(fc.nat(), { maxLength: 6 }), (rows, newline, cuts) => {
        // A record of one empty field would be a blank line, which csv-parse reads the same way; keep it simple.
        const records = rows.filter((fields) => !(fields.length === 1 && fields[0] === ""));
        fc.pre(records.length > 0);
        const text = records.map((fields) => fields.map(quoteIfNeeded).join(",")).join(newline) + newline;
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...positions].map((from, at, all) => text.slice(from, all[at + 1] ?? text.length));

        const result = splitChunks(chunks);
        expect(result.map((record) => record.fields)).toEqual(records);
        expect(result.map((record) => record.fields)).toEqual(parse(text, { relax_column_count: true }));
        let line = 1;
        for (const record of result) {
          expect(record.line).toBe(line);
          line += record.fields.join("").split("\n").length; // 1 + the newlines inside it
        }
      }),
      { numRuns: 500 },
    );
  });
});
