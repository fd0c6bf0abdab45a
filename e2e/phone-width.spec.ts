// Phone width: the home, sign-in and sign-out pages never scroll sideways (the recommendations page:
// recommendations-page.spec.ts), and the header stays on one line.
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { control, signIn } from "./support/fixtures";

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
}

const PAGES = [
  { name: "home", path: "/", ready: (page: Page) => page.getByRole("button", { name: "Sign in with Spotify" }) },
  { name: "sign-in", path: "/signin", ready: (page: Page) => page.getByRole("button", { name: "Sign in with Spotify" }) },
  { name: "sign-out", path: "/signout", ready: (page: Page) => page.getByTestId("signed-out") },
];

for (const width of [1280, 390]) {
  for (const { name, path, ready } of PAGES) {
    test(`the ${name} page at ${width} px does not scroll sideways`, async ({ page }, testInfo) => {
      await page.setViewportSize({ width, height: 844 });
      await page.goto(path);
      await expect(ready(page)).toBeVisible();
      await attachScreenshot(page, testInfo, `${name}-${width}.png`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    });
  }
}

/** The header's items: each one's box, and on how many text lines its words are laid out. */
async function headerLayout(page: Page) {
  // Inside <main> a <header> has no banner role: found by its tag.
  return page.locator("header").first().evaluate((header) =>
    [...header.querySelectorAll("a, span, button")].map((el) => {
      const box = el.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(el);
      const lineTops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      return { text: el.textContent, top: box.top, bottom: box.bottom, lines: lineTops.size };
    }),
  );
}

test("at 390 px the header stays on one line: name, user and Sign out side by side, none wrapped", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, "demo");
  await expect(page.getByTestId("dominant-label")).toBeVisible();
  await attachScreenshot(page, testInfo, "header-390.png");
  const items = await headerLayout(page);
  expect(items.map((i) => i.text)).toEqual(["Taste Clusters", expect.any(String), "Sign out"]);
  for (const item of items) expect(item.lines, `"${item.text}" on one text line`).toBe(1);
  // Side by side: every item overlaps the first one vertically.
  for (const item of items) expect(item.top < items[0].bottom && item.bottom > items[0].top, `"${item.text}" on the same row`).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
