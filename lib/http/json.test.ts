import { describe, expect, it } from "vitest";
import { roundedJson } from "./json";

describe("rounded JSON", () => {
  it("rounds float noise to 4 places, keeps integers, strings and nesting", () => {
    const text = roundedJson({ a: 0.031000000000000028, b: [120.123456, 7, -0.00004], c: "0.123456789", d: { e: 1e-9, f: null } });
    expect(JSON.parse(text)).toEqual({ a: 0.031, b: [120.1235, 7, 0], c: "0.123456789", d: { e: 0, f: null } });
    expect(text).not.toContain("0000000");
  });
});
