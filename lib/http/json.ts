/** Decimal places kept in JSON answers: enough for any feature (0..1, BPM, dB) or share, no float noise. */
export const JSON_DECIMALS = 4;
const SCALE = 10 ** JSON_DECIMALS;

/**
 * JSON text with every non-integer number rounded to JSON_DECIMALS places
 * (`0.031000000000000028` → `0.031`): what the API and `--json` print.
 *
 * A rounded copy is stringified, rather than stringify calling a replacer for every key: the
 * replacer's calls from the engine into JavaScript made it the costliest step of an API answer.
 */
export function roundedJson(value: unknown, indent?: number): string {
  return JSON.stringify(rounded(value), undefined, indent);
}

function rounded(value: unknown): unknown {
  if (typeof value === "number") {
    return Number.isFinite(value) && !Number.isInteger(value) ? Math.round(value * SCALE) / SCALE : value;
  }
  if (value === null || typeof value !== "object") return value;
  // What JSON.stringify would write in its place (a Date's ISO string, say).
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return rounded((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(rounded);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = rounded((value as Record<string, unknown>)[key]);
  return copy;
}
