import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  finish(): void;
}

/**
 * A progress bar with a rate (rows/s, MB/s) on a terminal; on a pipe or in CI,
 * a plain line every few seconds instead, so logs stay readable. With a null
 * total (a download without Content-Length) it shows the amount done and the
 * rate, without a bar or a percentage.
 */
export function progress(label: string, total: number | null, unit: string, scale = 1): Progress {
  const started = Date.now();
  const amount = (n: number) => formatAmount(n / scale, scale);
  if (process.stderr.isTTY) {
    const known = total !== null;
    const bar = new cliProgress.SingleBar(
      {
        format: known
          ? `${label.padEnd(8)} [{bar}] {percentage}% | {done}/{all} ${unit} | {rate} ${unit}/s | {duration_formatted}`
          : `${label.padEnd(8)} {done} ${unit} | {rate} ${unit}/s | {duration_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    // Without a total the bar's own value/total are unused (a dummy 1): the payload carries the amount.
    bar.start(known ? Math.max(total, 1) : 1, 0, { done: amount(0), all: known ? amount(total) : "", rate: "0" });
    return {
      update: (done) =>
        bar.update(known ? Math.min(done, total) : 0, { done: amount(done), rate: rate(done / scale, started) }),
      finish: () => bar.stop(),
    };
  }
  let lastLog = started;
  // A line when the phase starts, so logs (and tests) can tell where a run is.
  console.error(`${label}: started (${total === null ? "size unknown" : `${amount(total)} ${unit}`})`);
  return {
    update(done) {
      const now = Date.now();
      if (now - lastLog < 5_000) return;
      lastLog = now;
      const of = total === null ? "" : `/${amount(total)}`;
      console.error(`${label}: ${amount(done)}${of} ${unit} (${rate(done / scale, started)} ${unit}/s)`);
    },
    finish() {},
  };
}

/** Whole units, except for a scaled unit (MB) under 10, which gets one decimal so small files don't read "0 MB". */
function formatAmount(value: number, scale: number): string {
  return scale > 1 && value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function rate(done: number, started: number): string {
  const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
  return Math.round(done / seconds).toLocaleString("en-US");
}
