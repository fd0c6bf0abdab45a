import cliProgress from "cli-progress";

export interface Progress {
  update(done: number): void;
  finish(): void;
}

/**
 * A progress bar with a rate (rows/s, MB/s) on a terminal; on a pipe or in CI,
 * a plain line every few seconds instead, so logs stay readable.
 */
export function progress(label: string, total: number, unit: string, scale = 1): Progress {
  const started = Date.now();
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(8)} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | {duration_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.round(total / scale), 0, { rate: "0" });
    return {
      update: (done) => bar.update(Math.round(done / scale), { rate: rate(done / scale, started) }),
      finish: () => bar.stop(),
    };
  }
  let lastLog = started;
  // A line when the phase starts, so logs (and tests) can tell where a run is.
  console.error(`${label}: started (${Math.round(total / scale)} ${unit})`);
  return {
    update(done) {
      const now = Date.now();
      if (now - lastLog < 5_000) return;
      lastLog = now;
      console.error(`${label}: ${Math.round(done / scale)}/${Math.round(total / scale)} ${unit} (${rate(done / scale, started)} ${unit}/s)`);
    },
    finish() {},
  };
}

function rate(done: number, started: number): string {
  const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
  return Math.round(done / seconds).toLocaleString("en-US");
}
