import { describe, expect, it } from "vitest";
import { readBodyWithLimit } from "./read-body";

function streamed(parts: string[]): Request {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
  return new Request("http://127.0.0.1/x", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("reading a body with a limit", () => {
  it("returns the text when within the limit, across chunks and multi-byte characters", async () => {
    expect(await readBodyWithLimit(streamed(['{"a":', '"é"}']), 100)).toBe('{"a":"é"}');
  });

  it("stops at the limit without reading the rest", async () => {
    expect(await readBodyWithLimit(streamed(["x".repeat(60), "y".repeat(60)]), 100)).toBeNull();
  });

  it("treats a missing body as empty", async () => {
    expect(await readBodyWithLimit(new Request("http://127.0.0.1/x"), 10)).toBe("");
  });
});
