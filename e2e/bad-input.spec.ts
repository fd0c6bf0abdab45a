// Bad input against the running app's HTTP API (POST /api/recommendations): every
// malformed request gets a 4xx with a JSON {error} naming what is wrong, never a 5xx;
// a valid one gets recommendations from the dominant cluster only.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import fc from "fast-check";
import { control, query, shownTrackIds, signIn } from "./support/fixtures";

const API = "/api/recommendations";
const JSON_HEADERS = { "Content-Type": "application/json" };

/** The demo user's liked songs (most recent first), as the sample ships them. */
const demoIds: string[] = (
  JSON.parse(fs.readFileSync(path.resolve("prisma/sample/demo-user.json"), "utf8")) as { savedTracks: { id: string | null }[] }
).savedTracks.flatMap((t) => (t.id ? [t.id] : []));

const VALID_ID = demoIds[0];

/** Sends `body` byte for byte (Playwright would JSON-encode a string that is not valid JSON). */
function post(request: APIRequestContext, body: string | Buffer, headers: Record<string, string> = JSON_HEADERS) {
  return request.post(API, { data: typeof body === "string" ? Buffer.from(body, "utf8") : body, headers });
}

/** A 4xx with Content-Type application/json and a non-empty string `error`; returns the error. */
async function expectProblem(response: APIResponse, status: number): Promise<string> {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toMatch(/^application\/json/);
  const body = (await response.json()) as { error?: unknown };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(typeof body.error).toBe("string");
  expect((body.error as string).length).toBeGreaterThan(0);
  return body.error as string;
}

test.describe("POST /api/recommendations refuses bad input with a 4xx and a JSON error", () => {
  test("a body that is not declared as JSON: 415", async ({ request }) => {
    const body = JSON.stringify({ trackIds: [VALID_ID] });
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      const error = await expectProblem(await post(request, body, { "Content-Type": contentType }), 415);
      expect(error).toContain("Content-Type: application/json");
    }
    // no Content-Type at all
    await expectProblem(await request.post(API, { data: Buffer.from(body) }), 415);
  });

  test("broken JSON: 400", async ({ request }) => {
    for (const text of ['{"trackIds": [', "{trackIds: []}", "{'trackIds': []}", '{"trackIds": ["a"]} trailing', "\u0000", "NaN", "undefined"]) {
      expect(await expectProblem(await post(request, text), 400)).toBe("The body is not valid JSON.");
    }
    // bytes that are not UTF-8
    await expectProblem(await post(request, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400);
  });

  test("an empty body: 400", async ({ request }) => {
    expect(await expectProblem(await post(request, ""), 400)).toBe("The body is not valid JSON.");
  });

  test("JSON that is not an object (array, string, number, null): 400", async ({ request }) => {
    for (const text of [JSON.stringify([VALID_ID]), JSON.stringify([{ trackIds: [VALID_ID] }]), '"x"', "42", "null", "true"]) {
      expect(await expectProblem(await post(request, text), 400)).toMatch(/^Invalid input: expected object, received \w+$/);
    }
  });

  test("wrong types: 400 naming the field", async ({ request }) => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ trackIds: VALID_ID }, /^trackIds: /],
      [{ trackIds: [42] }, /^trackIds\[0\]: /],
      [{ trackIds: [VALID_ID], limit: "20" }, /^limit: /],
      [{ trackIds: [VALID_ID], limit: 2.5 }, /^limit: /],
      [{ trackIds: [VALID_ID], limit: 0 }, /^limit: /],
      [{ trackIds: [VALID_ID], limit: 1000 }, /^limit: /],
      [{ trackIds: [VALID_ID], minPopularity: -1 }, /^minPopularity: /],
      [{ trackIds: [VALID_ID], mode: "random" }, /^mode: /],
      [{ trackIds: [VALID_ID], maxPerArtist: null }, /^maxPerArtist: /],
      [{ trackIds: [VALID_ID], allowExplicit: "yes" }, /^allowExplicit: /],
      [{}, /^trackIds: /],
    ];
    for (const [body, expected] of cases) {
      expect(await expectProblem(await post(request, JSON.stringify(body)), 400)).toMatch(expected);
    }
    // 1e400 parses to Infinity
    expect(await expectProblem(await post(request, `{"trackIds":["${VALID_ID}"],"limit":1e400}`), 400)).toMatch(/^limit: /);
  });

  test("bad ids: 400 naming the position", async ({ request }) => {
    for (const bad of ["", "short", `${VALID_ID}x`, `${VALID_ID.slice(0, 21)}-`, `${VALID_ID.slice(0, 21)}é`, `${VALID_ID}\n`, "' OR 1=1 --aaaaaaaaaaaa"]) {
      const error = await expectProblem(await post(request, JSON.stringify({ trackIds: [VALID_ID, bad] })), 400);
      expect(error).toBe("trackIds[1]: must be a 22-character base62 Spotify track id");
    }
    expect(await expectProblem(await post(request, JSON.stringify({ trackIds: [] })), 400)).toBe("trackIds: must hold at least one track id");
  });

  test("more than 1,000 ids: 400; 10,000 ids: 413 (250 KB of JSON, refused on size first)", async ({ request }) => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => demoIds[i % demoIds.length]);
    expect(await expectProblem(await post(request, JSON.stringify({ trackIds: many(1_001) })), 400)).toBe("trackIds: must hold at most 1000 track ids");
    expect(await expectProblem(await post(request, JSON.stringify({ trackIds: many(2_000) })), 400)).toBe("trackIds: must hold at most 1000 track ids");
    await expectProblem(await post(request, JSON.stringify({ trackIds: many(10_000) })), 413);
  });

  test("unknown fields: 400 naming them", async ({ request }) => {
    const cases: [string, string][] = [
      [JSON.stringify({ trackIds: [VALID_ID], userId: "demo" }), 'Unrecognized key: "userId"'],
      [JSON.stringify({ trackIds: [VALID_ID], byName: [{ id: VALID_ID, matchKey: "x|y" }] }), 'Unrecognized key: "byName"'],
      [`{"trackIds":["${VALID_ID}"],"__proto__":{"limit":5}}`, 'Unrecognized key: "__proto__"'],
      [JSON.stringify({ trackIds: [VALID_ID], a: 1, b: 2 }), 'Unrecognized keys: "a", "b"'],
    ];
    for (const [body, expected] of cases) expect(await expectProblem(await post(request, body), 400)).toBe(expected);
  });

  test("a body over 64 KiB: 413, with or without Content-Length", async ({ request, baseURL }) => {
    const big = JSON.stringify({ trackIds: [VALID_ID], pad: "x".repeat(70 * 1024) });
    expect(await expectProblem(await post(request, big), 413)).toContain("larger than 65536 bytes");
    // Declared length over the limit: refused on the header.
    expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);

    // Chunked (no Content-Length): refused after reading.
    const chunks = [Buffer.from('{"trackIds":["' + VALID_ID + '"],"pad":"'), Buffer.alloc(80 * 1024, "x"), Buffer.from('"}')];
    const response = await fetch(`${baseURL}${API}`, {
      method: "POST",
      headers: JSON_HEADERS,
      body: new ReadableStream({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The body is larger than 65536 bytes." });

    // Exactly at the limit is not refused for its size.
    const prefix = `{"trackIds":["${VALID_ID}"],"pad":"`;
    const atLimit = prefix + "x".repeat(64 * 1024 - prefix.length - 2) + '"}';
    expect(Buffer.byteLength(atLimit)).toBe(64 * 1024);
    expect(await expectProblem(await post(request, atLimit), 400)).toBe('Unrecognized key: "pad"');
  });

  test("deeply nested JSON within the size limit: 400, not a crash", async ({ request }) => {
    const depth = 30_000;
    await expectProblem(await post(request, "[".repeat(depth) + "]".repeat(depth)), 400);
    const nested = `{"trackIds":["${VALID_ID}"],"limit":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    expect(await expectProblem(await post(request, nested), 400)).toMatch(/^limit: /);
  });

  test("wrong method: GET/PUT/DELETE get a JSON 405 with Allow: POST", async ({ request }) => {
    for (const response of [
      await request.get(API),
      await request.put(API, { data: "{}", headers: JSON_HEADERS }),
      await request.delete(API),
    ]) {
      expect(response.status()).toBe(405);
      expect(response.headers()["allow"]).toBe("POST");
      expect((await response.json()).error).toMatch(/Use POST/);
    }
  });

  test("fuzz: 150 arbitrary JSON bodies never get a 5xx", async ({ request }) => {
    const bodies = fc.sample(
      fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            trackIds: fc.oneof(fc.jsonValue(), fc.array(fc.oneof(fc.constantFrom(...demoIds), fc.string()), { maxLength: 30 })),
            limit: fc.jsonValue(),
            minPopularity: fc.oneof(fc.integer(), fc.jsonValue()),
            mode: fc.oneof(fc.constantFrom("dominant", "mix"), fc.jsonValue()),
            maxPerArtist: fc.integer({ min: -5, max: 200 }),
            allowExplicit: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
      { numRuns: 150, seed: 20261125 },
    );
    for (const body of bodies) {
      const text = JSON.stringify(body) ?? "null";
      const response = await post(request, text);
      expect(response.status(), text.slice(0, 200)).toBeLessThan(500);
      if (response.status() !== 200) await expectProblem(response, 400);
    }
  });
});

test.describe("POST /api/recommendations with a valid request", () => {
  /** The cluster most of `ids` fall in; ties go to the one seen first (ids are most recent first). */
  async function expectedDominant(ids: string[]) {
    const rows = await query<{ id: string; cluster_id: number }>(`SELECT id, cluster_id FROM track WHERE id = ANY($1)`, [ids]);
    const clusterOf = new Map(rows.map((r) => [r.id, r.cluster_id]));
    const counts = new Map<number, { count: number; first: number }>();
    [...new Set(ids)].forEach((id, i) => {
      const cluster = clusterOf.get(id);
      if (cluster === undefined) return;
      const entry = counts.get(cluster) ?? { count: 0, first: i };
      entry.count++;
      counts.set(cluster, entry);
    });
    const [top] = [...counts.entries()].sort(([, a], [, b]) => b.count - a.count || a.first - b.first);
    return { clusterId: top[0], count: top[1].count, matched: rows.length };
  }

  for (const [name, ids] of [
    ["the demo library's 40 most recent", demoIds.slice(0, 40)],
    ["20 of the demo library's older songs", demoIds.slice(60, 80)],
  ] as const) {
    test(`${name}: 200, recommendations only from the dominant cluster, none of the input`, async ({ request }) => {
      const response = await post(request, JSON.stringify({ trackIds: ids, limit: 30, minPopularity: 40 }));
      expect(response.status(), await response.text()).toBe(200);
      const body = (await response.json()) as {
        dominant: { id: number; label: string; count: number } | null;
        matched: { byId: number; notFound: string[] };
        recommendations: { track: { id: string; popularity: number } }[];
        popularityFloor: number;
      };
      const expected = await expectedDominant([...ids]);
      expect(body.matched.byId).toBe(expected.matched);
      expect(body.dominant).not.toBeNull();
      expect(body.dominant!.id).toBe(expected.clusterId);
      expect(body.dominant!.count).toBe(expected.count);
      const label = await query<{ label: string }>(`SELECT label FROM cluster WHERE id = $1`, [expected.clusterId]);
      expect(body.dominant!.label).toBe(label[0].label);

      const recIds = body.recommendations.map((r) => r.track.id);
      expect(recIds.length).toBeGreaterThan(0);
      expect(recIds.length).toBeLessThanOrEqual(30);
      expect(new Set(recIds).size).toBe(recIds.length);
      const clusters = await query<{ cluster_id: number }>(`SELECT DISTINCT cluster_id FROM track WHERE id = ANY($1)`, [recIds]);
      expect(clusters).toEqual([{ cluster_id: expected.clusterId }]);
      const found = await query<{ n: string }>(`SELECT count(*) AS n FROM track WHERE id = ANY($1)`, [recIds]);
      expect(Number(found[0].n)).toBe(recIds.length);
      expect(recIds.filter((id) => ids.includes(id))).toEqual([]);
      for (const r of body.recommendations) expect(r.track.popularity).toBeGreaterThanOrEqual(body.popularityFloor);
      // Numbers come rounded to at most 4 decimals, no float noise.
      const numbers: number[] = [];
      const walk = (v: unknown): void => {
        if (typeof v === "number") numbers.push(v);
        else if (v && typeof v === "object") Object.values(v).forEach(walk);
      };
      walk(body);
      const fractional = numbers.filter((n) => !Number.isInteger(n));
      expect(fractional.length).toBeGreaterThan(0);
      for (const n of fractional) expect(Math.abs(n * 1e4 - Math.round(n * 1e4)), String(n)).toBeLessThan(1e-6);
    });
  }

  test("ids that are well-formed but not in the catalog: 200 with no dominant cluster", async ({ request }) => {
    const response = await post(request, JSON.stringify({ trackIds: ["0000000000000000000000", "zzzzzzzzzzzzzzzzzzzzzz"] }));
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { dominant: unknown; recommendations: unknown[]; matched: { notFound: string[] } };
    expect(body.dominant).toBeNull();
    expect(body.recommendations).toEqual([]);
    expect(body.matched.notFound).toEqual(["0000000000000000000000", "zzzzzzzzzzzzzzzzzzzzzz"]);
  });

  test("Content-Type with parameters and upper case is accepted", async ({ request }) => {
    const response = await post(request, JSON.stringify({ trackIds: demoIds.slice(0, 5) }), { "Content-Type": "Application/JSON; charset=utf-8" });
    expect(response.status()).toBe(200);
  });
});

test.describe("the signed-in page and its export form with bad input", () => {
  test("a garbage query string falls back to the defaults instead of failing", async ({ page }) => {
    await signIn(page, "demo");
    await expect(page.getByTestId("dominant-label")).toBeVisible();
    const response = await page.goto("/recommendations?minPopularity=abc&limit=-5&limit=9999&mode=evil&explicit=2&x=%00%ff");
    expect(response?.status()).toBe(200);
    await expect(page.getByTestId("dominant-label")).toBeVisible();
    expect(await shownTrackIds(page)).toHaveLength(20); // the default limit
    await expect(page.getByLabel("Minimum popularity")).toHaveValue("0");
    await expect(page.getByLabel("From")).toHaveValue("dominant");
  });

  test("a tampered export form (bad ids, too many ids, blank or long name) exports nothing and says so", async ({ page }) => {
    await signIn(page, "demo");
    await expect(page.getByTestId("dominant-label")).toBeVisible();
    const form = page.locator("form", { has: page.getByRole("button", { name: "Save as a Spotify playlist" }) });
    const goodIds = await form.locator('input[name="trackIds"]').inputValue();
    expect(goodIds.split(",").length).toBe(20);
    const tampered: { name?: string; trackIds?: string }[] = [
      { trackIds: "not-a-spotify-id" },
      { trackIds: `${goodIds},<script>alert(1)</script>` },
      { trackIds: Array.from({ length: 101 }, (_, i) => goodIds.split(",")[i % 20]).join(",") },
      { trackIds: "" },
      { name: "   " },
      { name: "x".repeat(101) },
    ];
    await control("DELETE", "/requests");
    for (const change of tampered) {
      await page.reload();
      await form.locator('input[name="name"]').evaluate((input, value) => { if (value !== undefined) (input as HTMLInputElement).value = value; }, change.name);
      await form.locator('input[name="trackIds"]').evaluate((input, value) => { if (value !== undefined) (input as HTMLInputElement).value = value; }, change.trackIds);
      await form.getByRole("button", { name: "Save as a Spotify playlist" }).click();
      await expect(form.getByRole("alert"), JSON.stringify(change).slice(0, 80)).toHaveText("Nothing to export.");
    }
    const log = await control<{ method: string; path: string }[]>("GET", "/requests");
    expect(log.filter((r) => r.method === "POST" && r.path.includes("playlists"))).toEqual([]);

    // Control: the form as rendered does export, so the refusals above came from the validation.
    await page.reload();
    await form.getByRole("button", { name: "Save as a Spotify playlist" }).click();
    await expect(page.getByTestId("export-done")).toContainText("Saved 20 songs");
  });
});
