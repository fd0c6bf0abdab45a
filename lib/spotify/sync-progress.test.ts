import { describe, expect, it } from "vitest";
import { SyncProgressFeed } from "./sync-progress";

describe("SyncProgressFeed", () => {
  it("gives the first report at once, then only steps of at least 1/40 of the library, and the last one", async () => {
    const feed = new SyncProgressFeed();
    const first = feed.next(null);
    feed.report({ read: 50, total: 20_000 });
    expect(await first).toEqual({ read: 50, total: 20_000 });

    const second = feed.next({ read: 50, total: 20_000 });
    feed.report({ read: 100, total: 20_000 }); // 50 more: less than 500, not worth a step
    feed.report({ read: 549, total: 20_000 });
    feed.report({ read: 550, total: 20_000 });
    expect(await second).toEqual({ read: 550, total: 20_000 });

    const last = feed.next({ read: 550, total: 20_000 });
    feed.report({ read: 20_000, total: 20_000 });
    expect(await last).toEqual({ read: 20_000, total: 20_000 });
  });

  it("answers null once closed, so a page waiting for the next step always finishes", async () => {
    const feed = new SyncProgressFeed();
    const waiting = feed.next(null);
    feed.close();
    expect(await waiting).toBeNull();

    const reported = new SyncProgressFeed();
    reported.report({ read: 10, total: 10 });
    reported.close();
    // What was reported before the close is still shown once, then the feed ends.
    expect(await reported.next(null)).toEqual({ read: 10, total: 10 });
    expect(await reported.next({ read: 10, total: 10 })).toBeNull();
  });
});
