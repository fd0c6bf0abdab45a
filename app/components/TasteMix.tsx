const COLORS = ["#1db954", "#f472b6", "#60a5fa", "#fbbf24", "#a78bfa", "#34d399", "#f87171", "#22d3ee", "#e879f9", "#facc15"];

export function clusterColor(clusterId: number): string {
  return COLORS[clusterId % COLORS.length];
}

/** How the user's liked songs spread over clusters, as one stacked bar. */
export function TasteMix({ shares }: { shares: { clusterId: number; label: string; share: number; count: number }[] }) {
  return (
    <div>
      <div className="flex h-4 w-full overflow-hidden rounded-full" role="img" aria-label="Share of your liked songs per cluster">
        {shares.map((s) => (
          <div key={s.clusterId} style={{ width: `${s.share * 100}%`, background: clusterColor(s.clusterId) }} title={s.label} />
        ))}
      </div>
      <ul className="mt-4 space-y-2 text-sm text-zinc-300">
        {shares.map((s) => (
          <li key={s.clusterId} className="flex items-center gap-2">
            <span className="inline-block h-3 w-3 rounded-sm" style={{ background: clusterColor(s.clusterId) }} />
            <span className="min-w-0 truncate" title={s.label}>{s.label}</span>
            <span className="ml-auto tabular-nums text-zinc-400">
              {Math.round(s.share * 100)}% · {s.count}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
