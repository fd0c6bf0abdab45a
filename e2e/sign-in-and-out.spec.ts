// The sign-in and sign-out pages: the app's header, what signing in lets the app do, a cancelled
// consent said plainly (and logged as one line), and a confirmation after signing out.
import { expect, test } from "@playwright/test";
import { control, signIn } from "./support/fixtures";
import { markServerLog } from "./support/server-log";

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

test("the sign-in page has the app's header and says what the app reads, stores and never does", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("banner").getByRole("link", { name: "Taste Clusters" })).toBeVisible();
  const what = page.getByTestId("what-the-app-does");
  await expect(what).toContainText("read your liked songs");
  await expect(what).toContainText("create private playlists");
  await expect(what).toContainText("keeps your Spotify id and name, a copy of your liked songs");
  await expect(what).toContainText("never posts or changes anything on your Spotify account unless you ask");
});

test("Cancel on Spotify's consent page: 'You cancelled the sign-in', signed out, and one log line without a stack", async ({ page }) => {
  const log = markServerLog();
  await page.goto("/");
  await page.getByRole("button", { name: "Sign in with Spotify" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();

  await expect(page).toHaveURL(/\/signin\?error=Cancelled$/);
  await expect(page.getByTestId("signin-message")).toContainText("You cancelled the sign-in");
  await expect(page.getByRole("button", { name: "Sign in with Spotify" })).toBeVisible();
  expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});

  await expect.poll(() => log.text()).toContain("Sign-in cancelled");
  const lines = log.text().split("\n").filter((l) => l.trim() !== "");
  expect(lines.filter((l) => l.includes("Sign-in cancelled"))).toHaveLength(1);
  expect(lines.filter((l) => /^\s+at /.test(l) || l.includes("OAUTH_CALLBACK"))).toEqual([]);
});

test("signing out ends on 'You are signed out', with the header and what signing out keeps", async ({ page }) => {
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  await expect(page).toHaveURL(/\/signout$/);
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Taste Clusters" })).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveCount(0);
  await expect(page.getByText("It ends your session in this browser")).toBeVisible();
  expect(await (await page.request.get("/api/auth/session")).json()).toEqual({});
});
