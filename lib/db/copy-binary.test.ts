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
});
