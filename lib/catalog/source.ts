// Where a catalog's bytes come from: a local file today (an https URL is added by the URL work).
// The reader (read.ts) hashes, meters and gunzips what this returns.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";

/** The catalog cannot be opened (missing file, refused download...). */
export class CatalogSourceError extends Error {
  override name = "CatalogSourceError";
}

export interface CatalogSource {
  /** What to call it in messages: the path or URL as given. */
  label: string;
  /** The bytes as stored (still gzipped for a .gz file). Errors (a dead download) surface as stream errors. */
  stream: Readable;
  /** Size as stored, when known (a URL without Content-Length has none): for the progress bar. */
  totalBytes: number | null;
}

const READ_CHUNK_BYTES = 1 << 20;

/** Opens a catalog file for streaming. */
export async function openCatalogSource(location: string): Promise<CatalogSource> {
  let totalBytes: number;
  try {
    totalBytes = (await stat(location)).size;
  } catch (error) {
    throw new CatalogSourceError(`${location} cannot be read: ${(error as Error).message}`);
  }
  return { label: location, stream: createReadStream(location, { highWaterMark: READ_CHUNK_BYTES }), totalBytes };
}
