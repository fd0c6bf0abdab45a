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

/** fitScaler on features held as columns (one array per feature, all of one length). */
export function fitColumnScaler(columns: readonly ArrayLike<number>[]): Scaler {
  const n = columns.length === 0 ? 0 : columns[0].length;
  if (n === 0) throw new Error("cannot fit a scaler on no rows");
  const means: number[] = [];
  const stds: number[] = [];
  for (const column of columns) {
    // Welford's update, as in fitScaler: numerically stable in one pass.
    let mean = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const delta = column[i] - mean;
      mean += delta / (i + 1);
      squares += delta * (column[i] - mean);
    }
    const std = Math.sqrt(squares / n);
    means.push(mean);
    stds.push(std > 1e-12 ? std : 1);
  }
  return { means, stds };
}

/** The columns' z-scores as one row-major matrix (row i: point i's standardized features). */
export function standardizeColumns(columns: readonly ArrayLike<number>[], scaler: Scaler): Float64Array {
  const dims = columns.length;
  const n = dims === 0 ? 0 : columns[0].length;
  const matrix = new Float64Array(n * dims);
  columns.forEach((column, d) => {
    const mean = scaler.means[d];
    const std = scaler.stds[d];
    for (let i = 0; i < n; i++) matrix[i * dims + d] = (column[i] - mean) / std;
  });
  return matrix;
}
