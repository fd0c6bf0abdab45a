import { clusterColor } from "./palette";

/** How the user's liked songs spread over clusters: one stacked bar, then each cluster in the map's colours. */
export function TasteMix({ shares }: { shares: { clusterId: number; label: string; share: number; count: number }[] }) {
  return (
    <div>
      <div className="flex h-4 w-full overflow-hidden rounded-full" role="img" aria-label="Share of your liked songs per cluster">
        {shares.map((s) => (
          <div key={s.clusterId} style={{ width: `${s.share * 100}%`, background: clusterColor(s.clusterId) }} title={s.label} />
        ))}
      </div>
      <ul className="mt-4 space-y-2 text-sm text-zinc-200" data-testid="taste-mix">
        {shares.map((s) => (
          <li key={s.clusterId} className="flex items-center gap-2" data-cluster-id={s.clusterId}>
            <span className="inline-block h-3 w-3 shrink-0 rounded-sm" style={{ background: clusterColor(s.clusterId) }} />
            <span className="line-clamp-2 min-w-0 break-words" title={s.label}>{s.label}</span>
            <span className="ml-auto shrink-0 tabular-nums text-zinc-300">
              {Math.round(s.share * 100)}% · {s.count}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
