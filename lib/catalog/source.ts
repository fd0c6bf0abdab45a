// Where a catalog's bytes come from: a local file, or an http(s) URL streamed as it downloads
// (no temporary copy). The reader (read.ts) hashes, meters and gunzips what this returns.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { Transform, type Readable } from "node:stream";

/** The catalog cannot be opened or read to the end (missing file, refused or broken download...). */
export class CatalogSourceError extends Error {
  override name = "CatalogSourceError";
}

export interface CatalogSource {
  /** What to call it in messages: the path as given, or the URL without credentials, query or fragment. */
  label: string;
  /** The bytes as stored (still gzipped for a .gz file). Errors (a dead download) surface as stream errors. */
  stream: Readable;
  /** Size as stored, when known (a URL without Content-Length has none): for the progress bar. */
  totalBytes: number | null;
  /**
   * True when the location says the bytes are gzipped (a path, or a URL's path before or after
   * redirects, ending in .gz, or a gzip Content-Type). Undefined means "not said": the reader checks
   * the magic bytes.
   */
  gzip?: boolean;
}

export interface OpenCatalogSourceOptions {
  /** A download that receives no byte for this long fails (default 60 s). */
  stallTimeoutMs?: number;
}

const READ_CHUNK_BYTES = 1 << 20;
export const DOWNLOAD_STALL_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

/** True for an http:// or https:// location (anything else is a file path). */
export function isUrlLocation(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** A URL as it may appear in logs: no user name, password, query string or fragment. */
export function urlLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Opens a catalog file, or starts downloading a catalog URL, for streaming. */
export async function openCatalogSource(location: string, options: OpenCatalogSourceOptions = {}): Promise<CatalogSource> {
  if (isUrlLocation(location)) return openUrl(location, options.stallTimeoutMs ?? DOWNLOAD_STALL_TIMEOUT_MS);
  let totalBytes: number;
  try {
    totalBytes = (await stat(location)).size;
  } catch (error) {
    throw new CatalogSourceError(`${location} cannot be read: ${(error as Error).message}`);
  }
  const stream = createReadStream(location, { highWaterMark: READ_CHUNK_BYTES });
  return location.endsWith(".gz") ? { label: location, stream, totalBytes, gzip: true } : { label: location, stream, totalBytes };
}

/**
 * GETs the URL (following up to 5 redirects) and returns the body as a stream. Node's own http/https:
 * no dependency is needed, and they expose what a clear error needs (status, Content-Length, whether
 * the body arrived complete). No retries: a download that dies fails the seed, which changes nothing,
 * and running it again is the retry.
 */
async function openUrl(location: string, stallMs: number): Promise<CatalogSource> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new CatalogSourceError(`${location} is not a valid URL`);
  }
  const label = urlLabel(url);
  let gzip = url.pathname.endsWith(".gz") || undefined;
  for (let redirects = 0; ; redirects++) {
    const { request, response, state } = await get(url, label, stallMs);
    const status = response.statusCode ?? 0;
    const where = urlLabel(url) === label ? label : `${label} (redirected to ${urlLabel(url)})`;
    if (status >= 300 && status < 400 && response.headers.location) {
      request.destroy();
      if (redirects >= MAX_REDIRECTS) throw new CatalogSourceError(`download of ${label} failed: more than ${MAX_REDIRECTS} redirects`);
      try {
        url = new URL(response.headers.location, url);
      } catch {
        throw new CatalogSourceError(`download of ${where} failed: HTTP ${status} redirects to an invalid URL`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new CatalogSourceError(`download of ${label} failed: redirected to a ${url.protocol} URL`);
      }
      if (url.pathname.endsWith(".gz")) gzip = true;
      continue;
    }
    if (status < 200 || status > 299) {
      request.destroy();
      const reason = response.statusMessage ? ` ${response.statusMessage}` : "";
      throw new CatalogSourceError(`download of ${where} failed: HTTP ${status}${reason}`);
    }
    const type = String(response.headers["content-type"] ?? "");
    if (/^application\/(x-)?gzip\b/i.test(type)) gzip = true;
    const length = response.headers["content-length"];
    const totalBytes = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    const stream = meterDownload(request, response, where, totalBytes, state, stallMs);
    return gzip ? { label, stream, totalBytes, gzip } : { label, stream, totalBytes };
  }
}

interface DownloadState {
  stalled: boolean;
}

/** One GET; resolves with the response headers. The socket's idle timeout covers the whole body. */
function get(url: URL, label: string, stallMs: number) {
  return new Promise<{ request: http.ClientRequest; response: http.IncomingMessage; state: DownloadState }>((resolve, reject) => {
    const state: DownloadState = { stalled: false };
    const client = url.protocol === "https:" ? https : http;
    const request = client.get(
      url,
      // identity: the bytes as stored, so Content-Length is the size the progress bar shows.
      { headers: { "accept-encoding": "identity", "user-agent": "taste-clusters-seed" } },
      (response) => resolve({ request, response, state }),
    );
    request.setTimeout(stallMs, () => {
      state.stalled = true;
      request.destroy(new CatalogSourceError(`download of ${label} stalled: no data for ${stallMs / 1000} s`));
    });
    request.on("error", (error) => {
      // Before the answer: the request fails. After it, the body stream reports (see meterDownload).
      reject(error instanceof CatalogSourceError ? error : new CatalogSourceError(`download of ${label} failed: ${error.message}`));
    });
  });
}

/**
 * The response body, counted: when the connection ends before the body is complete (reset, closed
 * early, fewer bytes than Content-Length, stalled), the stream errors with a CatalogSourceError saying
 * how far it got. Destroying the returned stream (a consumer that stops early) aborts the download.
 */
function meterDownload(
  request: http.ClientRequest,
  response: http.IncomingMessage,
  where: string,
  totalBytes: number | null,
  state: DownloadState,
  stallMs: number,
): Readable {
  let received = 0;
  let failed = false;
  const failure = (cause: string) =>
    new CatalogSourceError(
      `download of ${where} ended after ${received} of ${totalBytes ?? "an unknown number of"} bytes: ${cause}`,
    );
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      if (totalBytes !== null && received < totalBytes) done(failure("the connection closed early"));
      else done();
    },
  });
  const fail = (cause: string) => {
    if (failed || body.destroyed) return;
    failed = true;
    body.destroy(failure(state.stalled ? `no data for ${stallMs / 1000} s` : cause));
  };
  response.on("error", (error) => fail(error.message === "aborted" ? "the connection was reset" : error.message));
  request.on("error", (error) => fail(error.message));
  response.on("close", () => {
    if (!response.complete) fail("the connection was reset");
  });
  body.on("close", () => {
    if (!response.complete) request.destroy();
  });
  response.pipe(body);
  return body;
}
