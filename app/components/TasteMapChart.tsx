import type { TasteMap } from "@/lib/recommend/map";
import type { Point2D } from "@/lib/recommend/projection";
import { clusterColor } from "./TasteMix";

const WIDTH = 560;
const HEIGHT = 380;
const PAD = 16;

/**
 * Server-rendered scatter of the PCA map: catalog by cluster, your liked songs, the recommendations.
 * Each group of marks is ONE <path> (a zero-length segment with round caps draws a dot): ~15 bytes
 * a point instead of ~190 for a <circle> in the HTML plus its copy in the React payload.
 */
export function TasteMapChart({ map, dominantClusterId }: { map: TasteMap; dominantClusterId: number }) {
  const all = [...map.catalog.map((c) => c.point), ...map.liked, ...map.recommended];
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One decimal is plenty on a 560-pixel canvas, and keeps the page small.
  const sx = (x: number) => Math.round((PAD + ((x - minX) / (maxX - minX || 1)) * (WIDTH - 2 * PAD)) * 10) / 10;
  const sy = (y: number) => Math.round((HEIGHT - PAD - ((y - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * PAD)) * 10) / 10;
  const dots = (points: Point2D[]) => points.map((p) => `M${sx(p[0])} ${sy(p[1])}h0`).join("");
  const rings = (points: Point2D[]) => points.map((p) => `M${sx(p[0]) - 3.5} ${sy(p[1])}a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0`).join("");
  const triangles = (points: Point2D[]) => points.map((p) => `M${sx(p[0])} ${sy(p[1]) - 5}l4.5 8h-9z`).join("");
  const clusterIds = [...new Set(map.catalog.map((c) => c.clusterId))].sort((a, b) => a - b);
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="w-full" role="img" aria-label="Map of the catalog by sound, with your songs and the recommendations">
        {clusterIds.map((id) => (
          <path key={id} data-marks="catalog" d={dots(map.catalog.filter((c) => c.clusterId === id).map((c) => c.point))}
            stroke={clusterColor(id)} strokeOpacity={id === dominantClusterId ? 0.55 : 0.18} strokeWidth={4.4} strokeLinecap="round" />
        ))}
        <path data-marks="liked" d={rings(map.liked)} fill="none" stroke="#f4f4f5" strokeWidth={1.2} />
        <path data-marks="recommended" d={triangles(map.recommended)} fill="#fbbf24" stroke="#18181b" strokeWidth={0.8} />
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-sm text-zinc-400">
        <span>dots: catalog sample, coloured by cluster (yours brighter)</span>
        <span><span className="mr-1 inline-block h-2.5 w-2.5 rounded-full border border-zinc-100 align-middle" />your liked songs</span>
        <span><span className="mr-1 text-amber-400">▲</span>recommended</span>
      </figcaption>
      <p className="mt-1 text-xs text-zinc-500">Axes: the two directions in which the songs’ audio features vary most (PCA).</p>
    </figure>
  );
}
