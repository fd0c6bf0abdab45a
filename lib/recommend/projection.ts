import { PCA } from "ml-pca";

export type Point2D = [number, number];

/**
 * A 2-D picture of the standardized feature space: the first two principal
 * components of a sample of the catalog. Pure: fit on rows, project any row.
 */
export function fitProjection(zRows: number[][]): (z: number[]) => Point2D {
  if (zRows.length < 3) throw new Error("a projection needs at least 3 rows");
  const pca = new PCA(zRows, { center: true, scale: false });
  return (z) => {
    const [row] = pca.predict([z], { nComponents: 2 }).to2DArray();
    return [row[0], row[1]];
  };
}
