// Seeding from an http URL (lib/catalog/source.ts): a whole download seeds like the file; a download
// that dies half-way fails the seed with a clear error and leaves the previous catalog untouched.
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { seedCatalog } from "./seed";
import { readCatalogInfo } from "./store";

const SAMPLE = path.resolve("prisma/sample/tracks.csv");

/** Everything a reader could see of the catalog: the model row and a digest of every track row. */
async function catalogState(db: Db) {
  const [model] = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM catalog_model`;
  const [tracks] = await db.$queryRaw<{ n: bigint; digest: string }[]>`
    SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS digest FROM track t`;
  return { model, tracks: Number(tracks.n), digest: tracks.digest };
}

describe("seeding from a URL", () => {
  let database: TestDatabase;
  let db: Db;
  let server: http.Server;
  let base: string;
  let body: Buffer;

  beforeAll(async () => {
    body = await fs.readFile(SAMPLE);
    server = http.createServer((request, response) => {
      if (request.url === "/tracks.csv") {
        response.writeHead(200, { "content-type": "text/csv", "content-length": body.length });
        response.end(body);
      } else if (request.url === "/dies/tracks.csv") {
        response.writeHead(200, { "content-type": "text/csv", "content-length": body.length });
        response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
          setTimeout(() => request.socket.destroy(), 50);
        });
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    database = await createTestDatabase("seed_url");
    db = createDb(database.url);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("seeds the bundled sample served over http, like the file", async () => {
    let total: number | null | undefined;
    const summary = await seedCatalog(db, {
      file: `${base}/tracks.csv`,
      k: 6,
      onPhase: (phase, size) => {
        if (phase === "read") total = size;
        return { update() {}, finish() {} };
      },
    });
    expect(total).toBe(body.length);
    expect(summary.rowsKept).toBeGreaterThan(1000);
    const info = await readCatalogInfo(db);
    expect(info?.model).toMatchObject({ k: 6, rowsKept: summary.rowsKept });
    // The checksum is of the bytes: the same as seeding the file itself.
    const { createHash } = await import("node:crypto");
    expect(info?.model.datasetChecksum).toBe(createHash("sha256").update(body).digest("hex"));
  });

  it("fails with a clear error when the download dies half-way, and keeps the old catalog", async () => {
    await seedCatalog(db, { file: SAMPLE, k: 5 }); // the old catalog, from the file
    const before = await catalogState(db);
    expect(before.tracks).toBeGreaterThan(1000);
    const error = await seedCatalog(db, { file: `${base}/dies/tracks.csv`, k: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`${base}/dies/tracks.csv`);
    expect(error.message).toMatch(new RegExp(`ended after \\d+ of ${body.length} bytes`));
    expect(await catalogState(db)).toEqual(before);
  });

  it("fails with the status on a 404, and keeps the old catalog", async () => {
    const before = await catalogState(db);
    const error = await seedCatalog(db, { file: `${base}/missing.csv`, k: 4 }).catch((e) => e);
    expect(error.message).toContain(`${base}/missing.csv`);
    expect(error.message).toMatch(/HTTP 404/);
    expect(await catalogState(db)).toEqual(before);
  });
});
