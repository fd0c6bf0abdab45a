/** Per-feature z-score standardization, so tempo (BPM) and 0..1 features weigh alike. */
export interface Scaler {
  means: number[];
  stds: number[];
}

export function fitScaler(rows: ArrayLike<number>[]): Scaler {
  if (rows.length === 0) throw new Error("cannot fit a scaler on no rows");
  const dims = rows[0].length;
  const means = new Array<number>(dims).fill(0);
  const squares = new Array<number>(dims).fill(0);
  // Welford's update: numerically stable in one pass over 600k rows.
  rows.forEach((row, i) => {
    for (let d = 0; d < dims; d++) {
      const delta = row[d] - means[d];
      means[d] += delta / (i + 1);
      squares[d] += delta * (row[d] - means[d]);
    }
  });
  const stds = squares.map((s) => Math.sqrt(s / rows.length));
  // A constant feature carries no information; scale 1 keeps it at z = 0 instead of NaN.
  return { means, stds: stds.map((s) => (s > 1e-12 ? s : 1)) };
}

export function standardize(row: ArrayLike<number>, scaler: Scaler): number[] {
  const out = new Array<number>(scaler.means.length);
  for (let d = 0; d < out.length; d++) out[d] = (row[d] - scaler.means[d]) / scaler.stds[d];
  return out;
}

export function unstandardize(z: ArrayLike<number>, scaler: Scaler): number[] {
  const out = new Array<number>(scaler.means.length);
  for (let d = 0; d < out.length; d++) out[d] = z[d] * scaler.stds[d] + scaler.means[d];
  return out;
}
