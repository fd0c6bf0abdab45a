import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatalogSourceError, isUrlLocation, openCatalogSource, urlLabel } from "./source";

const BODY = randomBytes(300_000);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("openCatalogSource on a local file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "source-test-"));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("streams the file with its size", async () => {
    const file = path.join(dir, "tracks.csv");
    await fs.writeFile(file, BODY);
    const source = await openCatalogSource(file);
    expect(source).toMatchObject({ label: file, totalBytes: BODY.length });
    expect((await readAll(source.stream)).equals(BODY)).toBe(true);
  });

  it("names a missing file", async () => {
    const missing = path.join(dir, "nope.csv");
    const error = await openCatalogSource(missing).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toContain(missing);
  });
});

describe("openCatalogSource on a URL (a local HTTP server)", () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url!, "http://x");
      hits.push(`${url.pathname} ${request.headers["accept-encoding"]}`);
      switch (url.pathname) {
        case "/tracks.csv":
          response.writeHead(200, { "content-type": "text/csv", "content-length": BODY.length });
          response.end(BODY);
          return;
        case "/chunked.csv": // no Content-Length
          response.writeHead(200, { "content-type": "text/csv" });
          response.write(BODY.subarray(0, 1000));
          setTimeout(() => response.end(BODY.subarray(1000)), 20);
          return;
        case "/moved":
          response.writeHead(302, { location: "/data/tracks.csv.gz?token=abc" });
          response.end();
          return;
        case "/data/tracks.csv.gz":
          response.writeHead(200, { "content-length": BODY.length });
          response.end(BODY);
          return;
        case "/loop":
          response.writeHead(301, { location: "/loop" });
          response.end();
          return;
        case "/dies.csv": {
          // Promises the whole body, sends half, then drops the connection.
          response.writeHead(200, { "content-length": BODY.length });
          response.write(BODY.subarray(0, BODY.length / 2), () => {
            setTimeout(() => request.socket.destroy(), 50);
          });
          return;
        }
        case "/dies-chunked.csv":
          response.writeHead(200);
          response.write(BODY.subarray(0, 5000), () => {
            setTimeout(() => request.socket.destroy(), 50);
          });
          return;
        case "/stalls.csv":
          response.writeHead(200, { "content-length": BODY.length });
          response.write(BODY.subarray(0, 1000)); // ...and nothing more
          return;
        default:
          response.writeHead(404, { "content-type": "text/plain" });
          response.end("not here");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("tells a URL from a path", () => {
    expect(isUrlLocation("https://example.org/a.csv")).toBe(true);
    expect(isUrlLocation("HTTP://example.org/a.csv")).toBe(true);
    expect(isUrlLocation("data/tracks.csv")).toBe(false);
    expect(isUrlLocation("/abs/https://x.csv")).toBe(false);
  });

  it("labels a URL without credentials, query string or fragment", () => {
    expect(urlLabel(new URL("https://user:secret@example.org/d/tracks.csv?sig=xyz#frag"))).toBe("https://example.org/d/tracks.csv");
  });

  it("streams a download byte for byte, with Content-Length as the total, asking for the bytes as stored", async () => {
    const source = await openCatalogSource(`${base}/tracks.csv?key=secret`);
    expect(source.label).toBe(`${base}/tracks.csv`);
    expect(source.totalBytes).toBe(BODY.length);
    expect(source.gzip).toBeUndefined();
    expect((await readAll(source.stream)).equals(BODY)).toBe(true);
    expect(hits).toContain("/tracks.csv identity");
  });

  it("has no total without Content-Length, and still reads everything", async () => {
    const source = await openCatalogSource(`${base}/chunked.csv`);
    expect(source.totalBytes).toBeNull();
    expect((await readAll(source.stream)).equals(BODY)).toBe(true);
  });

  it("follows a redirect, and takes the gzip hint from the final path", async () => {
    const source = await openCatalogSource(`${base}/moved`);
    expect(source.label).toBe(`${base}/moved`);
    expect(source.totalBytes).toBe(BODY.length);
    expect(source.gzip).toBe(true);
    expect((await readAll(source.stream)).equals(BODY)).toBe(true);
  });

  it("gives up on a redirect loop", async () => {
    const error = await openCatalogSource(`${base}/loop`).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toMatch(/more than 5 redirects/);
  });

  it("refuses a 404 with the URL and the status", async () => {
    const error = await openCatalogSource(`${base}/missing.csv?token=secret`).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toBe(`download of ${base}/missing.csv failed: HTTP 404 Not Found`);
  });

  it("says so when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await openCatalogSource(`http://127.0.0.1:${port}/tracks.csv`).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toMatch(new RegExp(`download of http://127.0.0.1:${port}/tracks.csv failed: .*ECONNREFUSED`));
  });

  it("errors the stream when the server sends half the Content-Length and drops the connection", async () => {
    const source = await openCatalogSource(`${base}/dies.csv`);
    expect(source.totalBytes).toBe(BODY.length);
    const error = await readAll(source.stream).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toBe(
      `download of ${base}/dies.csv ended after ${BODY.length / 2} of ${BODY.length} bytes: the connection was reset`,
    );
  });

  it("errors the stream when a download without Content-Length is cut", async () => {
    const source = await openCatalogSource(`${base}/dies-chunked.csv`);
    const error = await readAll(source.stream).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toBe(
      `download of ${base}/dies-chunked.csv ended after 5000 of an unknown number of bytes: the connection was reset`,
    );
  });

  it("errors the stream when the download stalls", async () => {
    const source = await openCatalogSource(`${base}/stalls.csv`, { stallTimeoutMs: 300 });
    const error = await readAll(source.stream).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogSourceError);
    expect(error.message).toBe(`download of ${base}/stalls.csv ended after 1000 of ${BODY.length} bytes: no data for 0.3 s`);
  });

  it("aborts the download when the reader stops early", async () => {
    const source = await openCatalogSource(`${base}/stalls.csv`);
    for await (const _chunk of source.stream) break;
    expect(source.stream.destroyed).toBe(true);
  });
});
