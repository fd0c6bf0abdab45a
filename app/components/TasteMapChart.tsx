import type { TasteMap } from "@/lib/recommend/map";
import { clusterLegend } from "@/lib/recommend/present";
import type { Point2D } from "@/lib/recommend/projection";
import { clusterColor } from "./palette";

// A square canvas: it keeps its marks about as big on a 390-px phone (≈ 0.8 px per unit) as the
// legend's swatches, and fits the map column on wide screens (≈ 1.3 px per unit).
const WIDTH = 400;
const HEIGHT = 400;
const PAD = 14;
const MARK_COLOR = "#fafafa";

/**
 * Server-rendered scatter of the PCA map: catalog by cluster, your liked songs, the recommendations.
 * Each group of marks is ONE <path> (a zero-length segment with round caps draws a dot): ~15 bytes
 * a point instead of ~190 for a <circle> in the HTML plus its copy in the React payload.
 * Drawn back to front: other clusters, yours, your liked songs, the recommendations on top.
 */
export function TasteMapChart({ map, shares }: { map: TasteMap; shares: { clusterId: number; share: number }[] }) {
  const all = [...map.catalog.map((c) => c.point), ...map.liked, ...map.recommended];
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One decimal is plenty on a 400-unit canvas, and keeps the page small.
  const sx = (x: number) => Math.round((PAD + ((x - minX) / (maxX - minX || 1)) * (WIDTH - 2 * PAD)) * 10) / 10;
  const sy = (y: number) => Math.round((HEIGHT - PAD - ((y - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * PAD)) * 10) / 10;
  const dots = (points: Point2D[]) => points.map((p) => `M${sx(p[0])} ${sy(p[1])}h0`).join("");
  const rings = (points: Point2D[]) => points.map((p) => `M${sx(p[0]) - 4.5} ${sy(p[1])}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0`).join("");
  const triangles = (points: Point2D[]) => points.map((p) => `M${sx(p[0])} ${sy(p[1]) - 7}l6 11h-12z`).join("");

  const legend = clusterLegend(map.clusters, shares);
  const yours = new Set(shares.map((s) => s.clusterId));
  // Others first, so that the user's clusters are drawn over them.
  const drawOrder = [...legend].reverse();
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="mx-auto w-full max-w-xl" role="img"
        aria-label="Map of the catalog by sound, coloured by cluster, with your liked songs and the recommendations">
        {drawOrder.map(({ clusterId }) => (
          <path key={clusterId} data-marks="catalog" data-cluster-id={clusterId}
            d={dots(map.catalog.filter((c) => c.clusterId === clusterId).map((c) => c.point))}
            stroke={clusterColor(clusterId)} strokeOpacity={yours.has(clusterId) ? 0.8 : 0.4}
            strokeWidth={yours.has(clusterId) ? 6 : 4.5} strokeLinecap="round" />
        ))}
        <path data-marks="liked" d={rings(map.liked)} fill="none" stroke={MARK_COLOR} strokeWidth={1.6} />
        <path data-marks="recommended" d={triangles(map.recommended)} fill={MARK_COLOR} stroke="#09090b" strokeWidth={1.2} />
      </svg>
      <figcaption className="mt-3 space-y-3 text-sm text-zinc-300">
        <p className="flex flex-wrap gap-x-4 gap-y-1">
          <span>
            <svg width="14" height="14" viewBox="0 0 14 14" className="mr-1.5 inline-block align-middle" aria-hidden="true">
              <circle cx="7" cy="7" r="5" fill="none" stroke={MARK_COLOR} strokeWidth="1.6" />
            </svg>
            your liked songs
          </span>
          <span>
            <svg width="14" height="14" viewBox="0 0 14 14" className="mr-1.5 inline-block align-middle" aria-hidden="true">
              <path d="M7 1l6 11H1z" fill={MARK_COLOR} stroke="#09090b" strokeWidth="1.2" />
            </svg>
            recommended
          </span>
          <span>dots: songs of the catalog, by cluster</span>
        </p>
        <ul className="grid gap-x-4 gap-y-1 sm:grid-cols-2" data-testid="map-legend" aria-label="Clusters">
          {legend.map((entry) => (
            <li key={entry.clusterId} className={`flex min-w-0 items-center gap-2 ${entry.share === null ? "text-zinc-400" : "text-zinc-100"}`}
              data-cluster-id={entry.clusterId}>
              <span className="inline-block h-3 w-3 shrink-0 rounded-full"
                style={{ background: clusterColor(entry.clusterId), opacity: entry.share === null ? 0.55 : 1 }} />
              <span className="line-clamp-2 min-w-0 break-words" title={entry.label}>{entry.label}</span>
              {entry.share !== null && (
                <span className="ml-auto shrink-0 text-xs tabular-nums text-zinc-300">yours · {Math.round(entry.share * 100)}%</span>
              )}
            </li>
          ))}
        </ul>
        <p className="text-xs text-zinc-400">Axes: the two directions in which the songs’ audio features vary most (PCA).</p>
      </figcaption>
    </figure>
  );
}
