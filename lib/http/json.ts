/** Decimal places kept in JSON answers: enough for any feature (0..1, BPM, dB) or share, no float noise. */
export const JSON_DECIMALS = 4;

/**
 * JSON text with every non-integer number rounded to JSON_DECIMALS places
 * (`0.031000000000000028` → `0.031`): what the API and `--json` print.
 */
export function roundedJson(value: unknown, indent?: number): string {
  const scale = 10 ** JSON_DECIMALS;
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? Math.round(v * scale) / scale : v),
    indent,
  );
}
