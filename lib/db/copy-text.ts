// Values in the text format of PostgreSQL's COPY … FROM STDIN (one row per line, tab-separated). Pure.
// https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2

/** COPY's NULL. */
export const COPY_NULL = "\\N";

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A text value: backslash, newline, carriage return and tab escaped (most values have none). */
export function copyText(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]) : value;
}

/** A text[] value: an array literal with every element quoted, then escaped as COPY text. */
export function copyTextArray(values: readonly string[]): string {
  if (values.length === 0) return "{}";
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ",";
    const value = values[i];
    literal += `"${value.includes('"') || value.includes("\\") ? value.replace(/["\\]/g, "\\$&") : value}"`;
  }
  return copyText(`${literal}}`);
}

/** A number, or NULL. Integers and doubles print as JavaScript writes them, which PostgreSQL reads back exactly. */
export function copyNumber(value: number | null): string {
  return value === null ? COPY_NULL : String(value);
}

export function copyBoolean(value: boolean | null): string {
  return value === null ? COPY_NULL : value ? "t" : "f";
}
