import { describe, expect, it } from "vitest";
import { admissionGate } from "./admission";

describe("admission gate", () => {
  it("lets in at most max at once and a new one after one leaves", () => {
    const gate = admissionGate(2);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
    expect(gate.inFlight).toBe(2);
    gate.leave();
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
  });

  it("never counts below zero", () => {
    const gate = admissionGate(1);
    gate.leave();
    expect(gate.inFlight).toBe(0);
    expect(gate.tryEnter()).toBe(true);
    expect(gate.tryEnter()).toBe(false);
  });
});
