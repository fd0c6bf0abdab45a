// Readable for everyone: axe (WCAG 2 A and AA rules) finds no serious or critical problem on the
// home, sign-in and recommendations pages at desktop and phone widths, and keyboard users reach
// and use the main controls, with a focus they can see.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { control, signIn } from "./support/fixtures";

const WIDTHS = [1280, 390];

test.beforeEach(async () => {
  await control("POST", "/faults", { rate429: 0, rate5xx: 0, latencyMs: 0, failNextRequests: [] });
});

/** axe's serious and critical WCAG 2 A/AA violations on the page as it is, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(" ")} — ${node.failureSummary?.split("\n")[1]?.trim() ?? v.help}`));
}

const PAGES: { name: string; open: (page: Page) => Promise<void> }[] = [
  {
    name: "home",
    async open(page) {
      await page.goto("/");
      await expect(page.getByRole("button", { name: "Sign in with Spotify" })).toBeVisible();
    },
  },
  {
    name: "sign-in",
    async open(page) {
      await page.goto("/signin?error=Cancelled");
      await expect(page.getByTestId("signin-message")).toBeVisible();
    },
  },
  {
    name: "recommendations",
    async open(page) {
      await signIn(page, "demo");
      await expect(page.getByTestId("dominant-label")).toBeVisible();
      await expect(page.getByTestId("recommendations").locator("li").first()).toBeVisible();
    },
  },
];

for (const width of WIDTHS) {
  for (const { name, open } of PAGES) {
    test(`the ${name} page at ${width} px: no serious or critical axe violation (WCAG 2 A/AA)`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await open(page);
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

/** The focused element's name and whether its focus outline can be seen. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const name = (el.getAttribute("aria-label") ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? "").trim();
    return {
      tag: el.tagName.toLowerCase(),
      name: name.replace(/\s+/g, " ").slice(0, 60),
      outlineVisible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Tabs through the whole page, once round; every stop shows its focus. Answers the names reached. */
async function tabThrough(page: Page, maxStops = 250): Promise<string[]> {
  const reached: string[] = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (!now) break; // past the last control
    expect(now.outlineVisible, `focus outline on ${now.tag} "${now.name}"`).toBe(true);
    const key = `${now.tag}:${now.name}`;
    if (reached[0] === key) break; // round again
    reached.push(key);
  }
  return reached;
}

test("keyboard only: every control shows its focus; sign in, filter and reach the export and sign-out buttons", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  expect(await focused(page)).toEqual({ tag: "button", name: "Sign in with Spotify", outlineVisible: true });
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Agree" })).toBeVisible();
  await page.locator("#user-demo").check();
  await page.getByRole("button", { name: "Agree" }).click();
  await expect(page.getByTestId("dominant-label")).toBeVisible();

  const reached = await tabThrough(page);
  for (const control of ["a:Taste Clusters", "button:Sign out", "input:Minimum popularity", "button:Update", "button:Save as a Spotify playlist"]) {
    expect(reached, `${control} is reached with Tab`).toContain(control);
  }

  // Used from the keyboard: tab to the popularity floor, type, submit with Enter.
  await page.goto("/recommendations");
  for (let i = 0; i < 250 && (await focused(page))?.name !== "Minimum popularity"; i++) await page.keyboard.press("Tab");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("60");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/minPopularity=60/);
});
