import { clusterColor } from "@/app/components/palette";
import { songName, spotifyEmbedUrl, spotifyTrackUrl, type ListMode } from "@/lib/recommend/present";
import type { RecommendationResult } from "@/lib/recommend/service";
import { NotForMe } from "./NotForMe";
import { PreviewButton, PreviewGroup, PreviewPlayer } from "./Preview";
import { FOCUS_RING } from "./styles";

type Recommendation = RecommendationResult["recommendations"][number];

/** A cluster's name in its legend colour: which cluster a song of the mix comes from. */
function ClusterTag({ clusterId, label }: { clusterId: number; label: string }) {
  return (
    <span className="mt-1 inline-flex max-w-full items-center gap-1.5 rounded-full border border-zinc-700 px-2 py-0.5 text-xs text-zinc-200"
      data-testid="cluster-tag" data-cluster-id={clusterId}>
      <span className="inline-block h-2 w-2 shrink-0 rounded-full" style={{ background: clusterColor(clusterId) }} />
      <span className="truncate" title={label}>{label}</span>
    </span>
  );
}

/**
 * The recommendations, one row each: title, artists and year, why — each at most two lines, the
 * full text in a tooltip — then Preview and Not for me. In mix mode a tag names each song's cluster.
 */
export function RecommendationList({ recommendations, mode, clusterLabels }: {
  recommendations: Recommendation[];
  mode: ListMode;
  clusterLabels: Map<number, string>;
}) {
  return (
    <PreviewGroup>
      <ol className="divide-y divide-zinc-800 rounded-xl border border-zinc-800" data-testid="recommendations">
        {recommendations.map(({ track, why }, i) => {
          const name = songName(track);
          const details = [track.artists.join(", "), track.releaseYear ?? null].filter((part) => part !== null).join(" · ");
          const genres = track.genres.slice(0, 2).join(", ");
          const whyText = `Why: ${why.join(" · ")}`;
          return (
            <li key={track.id} className="flex gap-3 px-3 py-3 sm:px-4" data-track-id={track.id}>
              <span className="w-6 shrink-0 pt-0.5 text-right tabular-nums text-zinc-400">{i + 1}</span>
              <div className="min-w-0 flex-1">
                <a href={spotifyTrackUrl(track.id)} target="_blank" rel="noreferrer" title={track.name}
                  className={`line-clamp-2 break-words font-medium hover:text-brand hover:underline ${FOCUS_RING}`}>{track.name}</a>
                <p className="line-clamp-2 break-words text-sm text-zinc-300"
                  title={[details, `popularity ${track.popularity}`, genres].filter(Boolean).join(" · ")}>
                  {details}
                  {/* Popularity is a small figure in the line, not a column of its own. */}
                  <span className="whitespace-nowrap" title="Spotify popularity (0–100)">
                    {" · "}popularity <span data-testid="popularity">{track.popularity}</span>
                  </span>
                  {genres && <span data-testid="genres"> · {genres}</span>}
                </p>
                {mode === "mix" && <ClusterTag clusterId={track.clusterId} label={clusterLabels.get(track.clusterId) ?? `cluster ${track.clusterId}`} />}
                {why.length > 0 && (
                  <p className="mt-0.5 line-clamp-2 break-words text-xs text-zinc-300" title={whyText} data-testid="why">{whyText}</p>
                )}
                <div className="mt-2 flex flex-wrap items-start gap-2">
                  <PreviewButton trackId={track.id} songName={name} />
                  <NotForMe trackId={track.id} artists={track.artists} songName={name} />
                </div>
                <PreviewPlayer trackId={track.id} songName={name} embedUrl={spotifyEmbedUrl(track.id)} />
              </div>
            </li>
          );
        })}
      </ol>
    </PreviewGroup>
  );
}
