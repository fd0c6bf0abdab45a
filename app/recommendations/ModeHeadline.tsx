import { clusterColor } from "@/app/components/palette";
import type { ListMode } from "@/lib/recommend/present";
import type { RecommendationResult } from "@/lib/recommend/service";

/**
 * What the list is drawn from, in the mode's own words: "Your cluster: …" for the dominant
 * cluster, "Your taste mix" (with its clusters and shares) for the mix.
 */
export function ModeHeadline({ result, matched, syncStored, skippedLocal, mode }: {
  result: RecommendationResult;
  matched: number;
  syncStored: number;
  skippedLocal: number;
  mode: ListMode;
}) {
  const dominant = result.dominant!;
  const percent = Math.round(dominant.share * 100);
  const dominantLabel = <span className="text-brand" data-testid="dominant-label">{dominant.label}</span>;
  return (
    <section>
      <p className="text-sm text-zinc-300" data-testid="match-summary">
        {matched} of your {syncStored} liked songs are in the catalog ({result.matched.byId} by id,{" "}
        {result.matched.byName} by title and artist); {result.matched.notFound.length} are not
        {skippedLocal > 0 && `; ${skippedLocal} local files skipped`}.
      </p>
      {mode === "mix" ? (
        <>
          <h1 className="mt-2 text-3xl font-bold" data-testid="mode-headline">
            Your taste mix: {result.shares.length} {result.shares.length === 1 ? "cluster" : "clusters"}
          </h1>
          <p className="mt-1 text-zinc-300">
            Songs from each of your clusters, in proportion to your liked songs in it. Mostly {dominantLabel} ({dominant.count} of your {matched} matched songs).
          </p>
          <ul className="mt-2 flex flex-wrap gap-2 text-xs text-zinc-200" aria-label="Your clusters">
            {result.shares.map((s) => (
              <li key={s.clusterId} className="inline-flex max-w-full items-center gap-1.5 rounded-full border border-zinc-700 px-2 py-0.5">
                <span className="inline-block h-2 w-2 shrink-0 rounded-full" style={{ background: clusterColor(s.clusterId) }} />
                <span className="truncate" title={s.label}>{s.label}</span>
                <span className="tabular-nums text-zinc-300">{Math.round(s.share * 100)}%</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <h1 className="mt-2 text-3xl font-bold" data-testid="mode-headline">Your cluster: {dominantLabel}</h1>
          <p className="mt-1 text-zinc-300">
            {dominant.count} of your {matched} matched songs ({percent}%) fall in this cluster of{" "}
            {dominant.size.toLocaleString("en-US")} songs.
          </p>
        </>
      )}
      {dominant.topGenres.length > 0 && (
        <p className="mt-1 text-sm text-zinc-300" data-testid="cluster-genres">
          {mode === "mix" ? "Your main cluster holds" : "It holds"}{" "}
          {dominant.topGenres.slice(0, 3).map((g) => `${g.genre} ${Math.round(g.share * 100)}%`).join(" · ")} of its songs with a genre.
        </p>
      )}
    </section>
  );
}
