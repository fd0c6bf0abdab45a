import { expect, type Page } from "@playwright/test";
import pg from "pg";

/** Calls the fake Spotify's test-control API. */
export async function control<T = unknown>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${process.env.FAKE_SPOTIFY_URL}/__control${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<T>;
}

/** Runs one query on the e2e database. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Signs in through the fake Spotify's consent page, as `userId`. */
export async function signIn(page: Page, userId = "demo") {
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with Spotify" }).click();
  await expect(page.getByRole("button", { name: "Agree" })).toBeVisible();
  await page.locator(`#user-${userId}`).check();
  await page.getByRole("button", { name: "Agree" }).click();
}

export async function shownTrackIds(page: Page): Promise<string[]> {
  return page.locator("[data-testid=recommendations] li").evaluateAll((items) => items.map((li) => li.getAttribute("data-track-id")!));
}
