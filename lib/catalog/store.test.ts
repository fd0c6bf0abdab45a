import { describe, expect, it } from "vitest";
import { indexBuildWorkers } from "./store";

describe("indexBuildWorkers", () => {
  it("keeps a local server's index builds to one process per core", () => {
    expect(indexBuildWorkers(true, 2, 2)).toBe(1);
    expect(indexBuildWorkers(true, 1, 2)).toBe(0);
    expect(indexBuildWorkers(true, 8, 2)).toBe(2); // never more than the server is set to
    expect(indexBuildWorkers(true, 8, 0)).toBe(0);
  });

  it("leaves a server elsewhere as it is set", () => {
    expect(indexBuildWorkers(false, 2, 2)).toBe(2);
    expect(indexBuildWorkers(false, 1, 4)).toBe(4);
  });
});
