import { describe, expect, it } from "vitest";
import { copyBoolean, copyNumber, copyText, copyTextArray } from "./copy-text";

describe("COPY text format", () => {
  it("escapes backslash, newline, carriage return and tab, and leaves other text as is", () => {
    expect(copyText("plain 'text', \"quoted\" ñ")).toBe("plain 'text', \"quoted\" ñ");
    expect(copyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
  });

  it("writes text arrays as quoted array literals, escaped once for the literal and once for COPY", () => {
    expect(copyTextArray([])).toBe("{}");
    expect(copyTextArray(["pop", "hip hop"])).toBe('{"pop","hip hop"}');
    // The literal {"a\"b","c\\d"} (quote and backslash escaped), then its backslashes doubled for COPY.
    expect(copyTextArray(['a"b', "c\\d"])).toBe('{"a\\\\"b","c\\\\\\\\d"}');
    expect(copyTextArray(["NULL", "x,y", "{z}"])).toBe('{"NULL","x,y","{z}"}');
  });

  it("writes NULL as \\N and booleans as t/f", () => {
    expect(copyNumber(null)).toBe("\\N");
    expect(copyNumber(0.125)).toBe("0.125");
    expect(copyBoolean(true)).toBe("t");
    expect(copyBoolean(false)).toBe("f");
    expect(copyBoolean(null)).toBe("\\N");
  });
});
