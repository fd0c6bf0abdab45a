/**
 * At most `max` requests at once; the rest are turned away at the door (503)
 * instead of queueing until clients time out.
 */
export function admissionGate(max: number) {
  let inFlight = 0;
  return {
    tryEnter(): boolean {
      if (inFlight >= max) return false;
      inFlight++;
      return true;
    },
    leave(): void {
      inFlight = Math.max(0, inFlight - 1);
    },
    get inFlight(): number {
      return inFlight;
    },
  };
}
