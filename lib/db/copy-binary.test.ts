import { describe, expect, it } from "vitest";
import { COPY_BINARY_HEADER, CopyBinaryWriter } from "./copy-binary";

const hex = (buffer: Buffer) => buffer.toString("hex");

describe("COPY binary format", () => {
  it("starts with PostgreSQL's signature and an empty header", () => {
    expect(COPY_BINARY_HEADER.subarray(0, 11).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0");
    expect(COPY_BINARY_HEADER).toHaveLength(19);
  });

  it("writes each value as its length and big-endian bytes, NULL as length -1", () => {
    const out = new CopyBinaryWriter(4);
    out.row(6);
    out.int2(-2);
    out.int4(200_000);
    out.float4(0.5);
    out.bool(true);
    out.null();
    out.text("ab");
    expect(hex(out.take())).toBe(
      "0006" + "00000002fffe" + "0000000400030d40" + "000000043f000000" + "0000000101" + "ffffffff" + "000000026162",
    );
  });

  it("writes text as UTF-8, however long, growing its buffer", () => {
    const out = new CopyBinaryWriter(8);
    const long = "x".repeat(100);
    out.text("Ünï");
    out.text(long);
    out.text(`${long}é`);
    const bytes = out.take();
    expect(bytes.readInt32BE(0)).toBe(5);
    expect(bytes.subarray(4, 9).toString("utf8")).toBe("Ünï");
    expect(bytes.readInt32BE(9)).toBe(100);
    expect(bytes.readInt32BE(113)).toBe(102);
    expect(bytes.subarray(117).toString("utf8")).toBe(`${long}é`);
  });

  it("writes text[] as a one-dimensional array of text, and an empty one with no dimension", () => {
    const out = new CopyBinaryWriter(4);
    out.textArray([]);
    out.textArray(["a", "bc"]);
    expect(hex(out.take())).toBe(
      "0000000c" + "00000000" + "00000000" + "00000019" +
        "0000001f" + "00000001" + "00000000" + "00000019" + "00000002" + "00000001" + "0000000161" + "000000026263",
    );
  });

  it("refuses integers its column type cannot hold, rather than wrap them", () => {
    const out = new CopyBinaryWriter();
    expect(() => out.int2(40_000)).toThrow(RangeError);
    expect(() => out.int4(2 ** 31)).toThrow(RangeError);
    expect(() => out.int4(1.5)).toThrow(RangeError);
  });

  describe("utf8Text", () => {
    const values = ["ab", "", "Ünï", "東京 🎸", "x".repeat(63), "x".repeat(64), "é".repeat(32), `${"y".repeat(100)}é`, "🎶".repeat(40)];

    /** What `text` writes for each value, from a writer with room to spare. */
    function asText(texts: readonly string[]): Buffer {
      const out = new CopyBinaryWriter(1 << 16);
      for (const value of texts) out.text(value);
      return Buffer.from(out.take());
    }

    it.each(values.map((value) => [`${JSON.stringify(value.slice(0, 8))} (${Buffer.byteLength(value, "utf8")} bytes)`, value]))("writes %s as text() does", (_name, value) => {
      const out = new CopyBinaryWriter(1 << 16);
      out.utf8Text(Buffer.from(value, "utf8"));
      const written = out.take();
      expect(hex(written)).toBe(hex(asText([value])));
      expect(written.readInt32BE(0)).toBe(Buffer.byteLength(value, "utf8"));
      expect(written.subarray(4).toString("utf8")).toBe(value);
    });

    it("writes the same bytes as text() when its buffer must grow, from a tiny one", () => {
      for (const initialBytes of [1, 4, 7]) {
        const out = new CopyBinaryWriter(initialBytes);
        const texts = new CopyBinaryWriter(initialBytes);
        for (const value of values) {
          out.row(1);
          out.utf8Text(new TextEncoder().encode(value));
          texts.row(1);
          texts.text(value);
        }
        expect(out.bytesWritten).toBe(texts.bytesWritten);
        expect(hex(out.take())).toBe(hex(texts.take()));
      }
    });

    it("writes a value of 64 bytes or more into a buffer that must grow", () => {
      const long = Buffer.from("ü".repeat(50), "utf8"); // 100 bytes, the TypedArray.set branch
      const out = new CopyBinaryWriter(2);
      out.utf8Text(long);
      out.utf8Text(Buffer.from("a"));
      const written = out.take();
      expect(written.readInt32BE(0)).toBe(100);
      expect(hex(written.subarray(4, 104))).toBe(hex(long));
      expect(hex(written.subarray(104))).toBe("0000000161");
    });

    it("writes bytes from a view into a larger buffer, and only that view's bytes", () => {
      const whole = Buffer.from(`pre|${"z".repeat(70)}|post`, "utf8");
      const out = new CopyBinaryWriter(3);
      out.utf8Text(whole.subarray(4, 74));
      out.utf8Text(whole.subarray(0, 3));
      expect(hex(out.take())).toBe(hex(asText(["z".repeat(70), "pre"])));
    });

    it("writes a range of a buffer of many values (start, end) as text() writes that value", () => {
      const parts = ["id-1", "", "Ünï", "x".repeat(70), "東京 🎸", "é".repeat(40)];
      const whole = Buffer.from(parts.join(""), "utf8");
      const out = new CopyBinaryWriter(5);
      let start = 0;
      for (const part of parts) {
        const end = start + Buffer.byteLength(part, "utf8");
        out.utf8Text(whole, start, end);
        start = end;
      }
      expect(hex(out.take())).toBe(hex(asText(parts)));
    });

    it("keeps the bytes of a value written before take() valid after the writer writes into its next buffer", () => {
      const out = new CopyBinaryWriter(8);
      out.utf8Text(Buffer.from("é".repeat(40), "utf8"));
      const first = out.take();
      const copy = Buffer.from(first);
      out.utf8Text(Buffer.from("x".repeat(80)));
      expect(hex(first)).toBe(hex(copy));
    });
  });
});
