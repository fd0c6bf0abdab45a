import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvFields, CsvRecordSplitter, CsvSyntaxError, MAX_RECORD_CHARS, type CsvRecord } from "./csv";
import { decimalValueIn } from "./parse";

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

/** A copy of what nextFields() gives (its object is reused), with the character after each field. */
interface FieldsCopy extends CsvRecord {
  after: string[];
}

function copyFields(fields: CsvFields): FieldsCopy {
  const after = Array.from({ length: fields.count }, (_, i) => fields.source.charAt(fields.ends[i]));
  return { fields: fields.toArray(), line: fields.line, after };
}

function drainFields(splitter: CsvRecordSplitter, into: FieldsCopy[]): void {
  for (let fields = splitter.nextFields(); fields !== undefined; fields = splitter.nextFields()) into.push(copyFields(fields));
}

function splitChunksToFields(chunks: readonly string[]): FieldsCopy[] {
  const splitter = new CsvRecordSplitter();
  const records: FieldsCopy[] = [];
  for (const chunk of chunks) {
    splitter.feed(chunk);
    drainFields(splitter, records);
  }
  splitter.end();
  drainFields(splitter, records);
  return records;
}

const withoutAfter = (records: readonly FieldsCopy[]): CsvRecord[] => records.map(({ fields, line }) => ({ fields, line }));

/** Characters that can continue a decimal (parse.ts isDecimal): none may follow a field's range. */
const NUMBER_CHARACTER = /^[0-9+\-.eE]$/;

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

  it("splits a short record of three lines that starts at the end of a chunk followed by a full-size one", () => {
    // The next chunk is joined to the record a line at a time, the rest of it queued: the queued text
    // is no part of the record and does not make it "too long".
    const rows = MAX_RECORD_CHARS / 4 - 2;
    const plain = "x,y\n".repeat(rows);
    const splitter = new CsvRecordSplitter();
    const records: CsvRecord[] = [];
    splitter.feed(`${plain}1,"three\n`);
    drain(splitter, records);
    splitter.feed(`short\nlines"\n${plain}`);
    splitter.end();
    drain(splitter, records);
    expect(records).toHaveLength(2 * rows + 1);
    expect(records[rows]).toEqual({ fields: ["1", "three\nshort\nlines"], line: rows + 1 });
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

describe("CsvRecordSplitter.nextFields", () => {
  const texts: [string, string, CsvRecord[]][] = [
    ["plain LF lines", "a,b,c\n1,2,3\n", [{ fields: ["a", "b", "c"], line: 1 }, { fields: ["1", "2", "3"], line: 2 }]],
    ["CRLF line ends", "a,b\r\n1,2\r\n", [{ fields: ["a", "b"], line: 1 }, { fields: ["1", "2"], line: 2 }]],
    ["no final newline", "a,b\n1,2", [{ fields: ["a", "b"], line: 1 }, { fields: ["1", "2"], line: 2 }]],
    ["blank lines, LF and CRLF", "a\n\n\r\nb\n", [
      { fields: ["a"], line: 1 }, { fields: [""], line: 2 }, { fields: [""], line: 3 }, { fields: ["b"], line: 4 },
    ]],
    ["empty fields", "a,,\n,\n", [{ fields: ["a", "", ""], line: 1 }, { fields: ["", ""], line: 2 }]],
    ["quoted fields with commas", '1,"x, y",3\n"a,b","c"\n', [{ fields: ["1", "x, y", "3"], line: 1 }, { fields: ["a,b", "c"], line: 2 }]],
    ["quoted fields with newlines", 'h\n"two\nlines",x\r\n"three\r\n\nlines"\nlast\n', [
      { fields: ["h"], line: 1 }, { fields: ["two\nlines", "x"], line: 2 }, { fields: ["three\r\n\nlines"], line: 4 },
      { fields: ["last"], line: 7 },
    ]],
    ["a quoted field ending the text", 'a,"b"', [{ fields: ["a", "b"], line: 1 }]],
    ["a quoted field ending the text after CRLF records", 'x\r\n"q, r"', [{ fields: ["x"], line: 1 }, { fields: ["q, r"], line: 2 }]],
    ["an empty quoted field", '"",a,""\n', [{ fields: ["", "a", ""], line: 1 }]],
    ["escaped quotes", '"say ""hi""",""\n"""",x\n', [{ fields: ['say "hi"', ""], line: 1 }, { fields: ['"', "x"], line: 2 }]],
    ["an escaped quote and a newline in one field", '"a""\nb",c\nd\n', [{ fields: ['a"\nb', "c"], line: 1 }, { fields: ["d"], line: 3 }]],
    ["text after a closing quote", '"ab"c,d\n"x"y\n', [{ fields: ["abc", "d"], line: 1 }, { fields: ["xy"], line: 2 }]],
    ["text after a closing quote, CRLF", '"ab"c\r\n1\r\n', [{ fields: ["abc"], line: 1 }, { fields: ["1"], line: 2 }]],
    ["a quote inside an unquoted field", 'ab"c,d\ne\n', [{ fields: ['ab"c', "d"], line: 1 }, { fields: ["e"], line: 2 }]],
    ["a CR inside quotes", 'a,"b\r"\r\n', [{ fields: ["a", "b\r"], line: 1 }]],
    ["a closing quote then CR at the end of the text", '"ab"\r', [{ fields: ["ab"], line: 1 }]],
    ["numbers next to quoted fields", '12,"3,4",5.5e-3\r\n-1,"x"\n', [{ fields: ["12", "3,4", "5.5e-3"], line: 1 }, { fields: ["-1", "x"], line: 2 }]],
  ];

  it.each(texts)("gives the fields and lines of next() for %s", (_case, text, expected) => {
    const records = splitChunksToFields([text]);
    expect(withoutAfter(records)).toEqual(expected);
    expect(withoutAfter(records)).toEqual(split(text));
  });

  it.each(texts)("gives the same fields in every chunking of %s", (_case, text, expected) => {
    for (const chunks of everyChunking(text)) {
      const records = splitChunksToFields(chunks);
      expect(withoutAfter(records), JSON.stringify(chunks)).toEqual(expected);
      expect(withoutAfter(records), JSON.stringify(chunks)).toEqual(splitChunks(chunks));
    }
  });

  it.each(texts)("ends every field of %s before a character that cannot be part of a number", (_case, text) => {
    for (const chunks of everyChunking(text)) {
      for (const record of splitChunksToFields(chunks)) {
        for (const after of record.after) expect(after, JSON.stringify({ chunks, record })).not.toMatch(NUMBER_CHARACTER);
      }
    }
  });

  it("gives the same records as the existing chunking test's text, in every chunking", () => {
    const text = 'id,name\r\n1,"a, ""b""\nc"\r\n\r\n2,plain\r\n3,"x"';
    const expected = [
      { fields: ["id", "name"], line: 1 },
      { fields: ["1", 'a, "b"\nc'], line: 2 },
      { fields: [""], line: 4 },
      { fields: ["2", "plain"], line: 5 },
      { fields: ["3", "x"], line: 6 },
    ];
    for (const chunks of everyChunking(text)) expect(withoutAfter(splitChunksToFields(chunks))).toEqual(expected);
  });

  it("waits for more text after a closing quote that ends the text, until end()", () => {
    const splitter = new CsvRecordSplitter();
    splitter.feed('a,"b"');
    expect(splitter.nextFields()).toBeUndefined();
    splitter.feed('"c"\n');
    const fields = splitter.nextFields();
    expect(fields && copyFields(fields)).toEqual({ fields: ["a", 'b"c'], line: 1, after: [",", ""] });
    expect(splitter.nextFields()).toBeUndefined();

    const ended = new CsvRecordSplitter();
    ended.feed('a,"b"');
    expect(ended.nextFields()).toBeUndefined();
    ended.end();
    const last = ended.nextFields();
    expect(last && { fields: last.toArray(), line: last.line }).toEqual({ fields: ["a", "b"], line: 1 });
    expect(ended.nextFields()).toBeUndefined();
  });

  it("waits for more text after a plain field that ends the text, until end()", () => {
    const splitter = new CsvRecordSplitter();
    splitter.feed("1,2");
    expect(splitter.nextFields()).toBeUndefined();
    splitter.feed("3\n");
    expect(splitter.nextFields()?.toArray()).toEqual(["1", "23"]);
    splitter.feed("4");
    splitter.end();
    expect(splitter.nextFields()?.toArray()).toEqual(["4"]);
    expect(splitter.nextFields()).toBeUndefined();
  });

  it("reuses one object, whose earlier contents are replaced by the next record", () => {
    const splitter = new CsvRecordSplitter();
    splitter.feed('a,b\n"c"\n');
    const first = splitter.nextFields();
    expect(first?.toArray()).toEqual(["a", "b"]);
    const second = splitter.nextFields();
    expect(second).toBe(first);
    expect(second?.toArray()).toEqual(["c"]);
    expect(second?.line).toBe(2);
  });

  it("throws on an unclosed quote with the line it starts on", () => {
    const splitter = new CsvRecordSplitter();
    splitter.feed('a\n"b\nc');
    splitter.end();
    expect(splitter.nextFields()?.toArray()).toEqual(["a"]);
    expect(() => splitter.nextFields()).toThrowError(new CsvSyntaxError(2, "quoted field is not closed"));
  });

  it("agrees with csv-parse on any well-formed CSV, in any chunking, ending fields before non-number characters", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "é", " ", ",", '"', "\n", "\r", "\r\n", "1", "e", "-", ".", "+") });
    const table = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 });
    const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
    const written = fc.constantFrom<"when needed" | "always">("when needed", "always");
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.boolean(), written, fc.array(fc.nat(), { maxLength: 6 }), (rows, newline, finalNewline, quoting, cuts) => {
        const records = rows.filter((fields) => !(fields.length === 1 && fields[0] === ""));
        fc.pre(records.length > 0);
        const write = (value: string) => (quoting === "always" || /[",\r\n]/.test(value) ? quote(value) : value);
        const text = records.map((fields) => fields.map(write).join(",")).join(newline) + (finalNewline ? newline : "");
        const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...positions].map((from, at, all) => text.slice(from, all[at + 1] ?? text.length));

        const result = splitChunksToFields(chunks);
        expect(result.map((record) => record.fields)).toEqual(records);
        expect(result.map((record) => record.fields)).toEqual(parse(text, { relax_column_count: true }));
        expect(withoutAfter(result)).toEqual(splitChunks(chunks));
        let line = 1;
        for (const record of result) {
          expect(record.line).toBe(line);
          line += record.fields.join("").split("\n").length;
          for (const after of record.after) expect(after).not.toMatch(NUMBER_CHARACTER);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("CsvFields", () => {
  it("gives each field given as a string, their count and line", () => {
    const fields = CsvFields.of(["a", "", "é, \"x\"", "12"], 7);
    expect(fields.count).toBe(4);
    expect(fields.line).toBe(7);
    expect([0, 1, 2, 3].map((i) => fields.text(i))).toEqual(["a", "", 'é, "x"', "12"]);
    expect(fields.toArray()).toEqual(["a", "", 'é, "x"', "12"]);
    expect(CsvFields.of([]).count).toBe(0);
    expect(CsvFields.of([]).toArray()).toEqual([]);
  });

  it("is blank for one empty field only", () => {
    expect(CsvFields.of([""]).isBlank()).toBe(true);
    expect(CsvFields.of([]).isBlank()).toBe(false);
    expect(CsvFields.of(["", ""]).isBlank()).toBe(false);
    expect(CsvFields.of([" "]).isBlank()).toBe(false);
    expect(CsvFields.of(["a"]).isBlank()).toBe(false);
  });

  it("holds more fields than its first arrays", () => {
    const many = Array.from({ length: 100 }, (_, i) => String(i));
    const fields = CsvFields.of(many);
    expect(fields.count).toBe(100);
    expect(fields.toArray()).toEqual(many);
    expect(fields.text(99)).toBe("99");
  });

  it("ends each field before a character that is not part of a number", () => {
    const cases = [["12", "34"], ["1.5", "-2e3", "+.5"], ["1", "", "2"], ["", "9"], ["e", "E"], ["0"]];
    for (const values of cases) {
      const fields = CsvFields.of(values);
      for (let i = 0; i < fields.count; i++) {
        expect(fields.source.charAt(fields.ends[i]), JSON.stringify({ values, i })).not.toMatch(NUMBER_CHARACTER);
      }
    }
  });

  it("keeps a number field's parse to its own range", () => {
    const fields = CsvFields.of(["12", "34"]);
    expect(decimalValueIn(fields.source, fields.starts[0], fields.ends[0])).toBe(12);
    expect(decimalValueIn(fields.source, fields.starts[1], fields.ends[1])).toBe(34);
    const exponent = CsvFields.of(["1.5", "-2e3", "7"]);
    expect([0, 1, 2].map((i) => decimalValueIn(exponent.source, exponent.starts[i], exponent.ends[i]))).toEqual([1.5, -2000, 7]);
    // What a parse that ran to the end of `source` would see from field 0: nothing more of a number.
    expect(Number.parseFloat(fields.source.slice(fields.starts[0]))).toBe(12);
  });

  it("replaces an earlier record when given new strings", () => {
    const fields = CsvFields.of(["a", "b", "c"], 1);
    fields.setStrings(["x"], 2);
    expect(fields.toArray()).toEqual(["x"]);
    expect(fields.line).toBe(2);
  });
});
