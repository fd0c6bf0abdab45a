import { afterEach, describe, expect, it, vi } from "vitest";
import { answerCancelledSignIn, CANCELLED_SIGN_IN_PAGE } from "./cancelled";

const callback = (query: string, method = "GET") => new Request(`http://127.0.0.1:3000/api/auth/callback/spotify?${query}`, { method });

describe("answerCancelledSignIn", () => {
  afterEach(() => vi.restoreAllMocks());

  it("sends Spotify's access_denied to the sign-in page's 'cancelled' message, with one log line", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const response = answerCancelledSignIn(callback("error=access_denied&state=abc"));
    expect(response?.status).toBe(303);
    expect(response?.headers.get("Location")).toBe(CANCELLED_SIGN_IN_PAGE);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).not.toContain("\n");
  });

  it("leaves every other request to next-auth", () => {
    expect(answerCancelledSignIn(callback("code=abc&state=def"))).toBeNull();
    expect(answerCancelledSignIn(callback("error=server_error"))).toBeNull();
    expect(answerCancelledSignIn(callback("error=access_denied", "POST"))).toBeNull();
    expect(answerCancelledSignIn(new Request("http://127.0.0.1:3000/api/auth/signin/spotify?error=access_denied"))).toBeNull();
  });
});
