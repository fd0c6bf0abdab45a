import { PCA } from "ml-pca";

export type Point2D = [number, number];

/**
 * A 2-D picture of the standardized feature space: the first two principal
 * components of a sample of the catalog. Pure: fit on rows, project any row.
 */
export function fitProjection(zRows: number[][]): (z: number[]) => Point2D {
  if (zRows.length < 3) throw new Error("a projection needs at least 3 rows");
  const pca = new PCA(zRows, { center: true, scale: false });
  // The projection is affine, p(z) = offset + Σ z[d]·axis[d]: read it off PCA.predict once,
  // so that projecting a song is a few multiplications rather than a matrix allocation.
  const dims = zRows[0].length;
  const predict = (z: number[]): Point2D => {
    const [row] = pca.predict([z], { nComponents: 2 }).to2DArray();
    return [row[0], row[1]];
  };
  const offset = predict(new Array<number>(dims).fill(0));
  const axes = Array.from({ length: dims }, (_, d) => {
    const [x, y] = predict(Array.from({ length: dims }, (_, i) => (i === d ? 1 : 0)));
    return [x - offset[0], y - offset[1]];
  });
  return (z) => {
    let x = offset[0];
    let y = offset[1];
    for (let d = 0; d < dims; d++) {
      x += z[d] * axes[d][0];
      y += z[d] * axes[d][1];
    }
    return [x, y];
  };
}
