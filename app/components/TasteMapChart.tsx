import type { TasteMap } from "@/lib/recommend/map";
import { clusterColor } from "./TasteMix";

const WIDTH = 560;
const HEIGHT = 380;
const PAD = 16;

/** Server-rendered scatter of the PCA map: catalog by cluster, your liked songs, the recommendations. */
export function TasteMapChart({ map, dominantClusterId }: { map: TasteMap; dominantClusterId: number }) {
  const all = [...map.catalog.map((c) => c.point), ...map.liked, ...map.recommended];
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One decimal is plenty on a 560-pixel canvas, and keeps the page small.
  const sx = (x: number) => Math.round((PAD + ((x - minX) / (maxX - minX || 1)) * (WIDTH - 2 * PAD)) * 10) / 10;
  const sy = (y: number) => Math.round((HEIGHT - PAD - ((y - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * PAD)) * 10) / 10;
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="w-full" role="img" aria-label="Map of the catalog by sound, with your songs and the recommendations">
        {map.catalog.map((c, i) => (
          <circle key={i} cx={sx(c.point[0])} cy={sy(c.point[1])} r={2.2} fill={clusterColor(c.clusterId)}
            fillOpacity={c.clusterId === dominantClusterId ? 0.55 : 0.18} />
        ))}
        {map.liked.map((p, i) => (
          <circle key={`l${i}`} cx={sx(p[0])} cy={sy(p[1])} r={3.5} fill="none" stroke="#f4f4f5" strokeWidth={1.2} />
        ))}
        {map.recommended.map((p, i) => (
          <path key={`r${i}`} d={`M${sx(p[0])},${sy(p[1]) - 5} l4.5,8 h-9 z`} fill="#fbbf24" stroke="#18181b" strokeWidth={0.8} />
        ))}
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
