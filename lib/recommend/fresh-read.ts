/**
 * One read shared by the callers that ask while it is on its way, without ever answering a caller
 * with a read that started before it asked: a caller arriving while a read is in flight waits for
 * the next one, which starts as that one ends (and is shared in turn). Under load one read serves
 * many callers, and every caller still sees all that was committed before it asked.
 */
export function sharedFreshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  let queued: Promise<T> | null = null;
  const start = () => {
    const reading = new Promise<T>((resolve) => resolve(read()));
    inFlight = reading;
    const settled = () => {
      if (inFlight === reading) inFlight = null;
    };
    reading.then(settled, settled);
    return reading;
  };
  return () => {
    if (queued) return queued; // it starts after this caller asked: fresh enough
    if (!inFlight) return start();
    queued = inFlight.then(noop, noop).then(() => {
      queued = null;
      return start();
    });
    return queued;
  };
}

function noop() {}
