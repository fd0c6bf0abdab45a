import { describe, expect, it } from "vitest";
import { roundedJson } from "./json";

/** The first implementation (a replacer): the copy-then-stringify one must write the same text. */
function replacerJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v),
    indent,
  );
}

describe("rounded JSON", () => {
  it("rounds float noise to 4 places, keeps integers, strings and nesting", () => {
    const text = roundedJson({ a: 0.031000000000000028, b: [120.123456, 7, -0.00004], c: "0.123456789", d: { e: 1e-9, f: null } });
    expect(JSON.parse(text)).toEqual({ a: 0.031, b: [120.1235, 7, 0], c: "0.123456789", d: { e: 0, f: null } });
    expect(text).not.toContain("0000000");
  });

  it("writes exactly what a replacer that rounds would, for every kind of value JSON has or drops", () => {
    const values: unknown[] = [
      { a: 1.23456789, nested: [[0.5, -2.000049], { deep: [1e21 + 0.5, 1e-7, -1e-5] }], text: "3.14159265" },
      { skipped: undefined, fn: () => 1, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, neg: -0.99995, bool: false },
      { when: new Date(Date.UTC(2026, 11, 2, 18, 0, 0, 123)), custom: { toJSON: () => ({ x: 0.333333 }) } },
      [undefined, null, Number.NaN, 2.5e-5, "x"],
      0.1 + 0.2,
      "plain",
      null,
      { list: Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, score: i / 7, popularity: i })) },
    ];
    for (const value of values) {
      expect(roundedJson(value)).toBe(replacerJson(value));
      expect(roundedJson(value, 2)).toBe(replacerJson(value, 2));
    }
  });
});
