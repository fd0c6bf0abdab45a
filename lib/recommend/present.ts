// How the recommendations page names things: pure, shared by its server and client components.

const SPOTIFY_ID = /^[0-9A-Za-z]{22}$/;

function checkedId(trackId: string): string {
  if (!SPOTIFY_ID.test(trackId)) throw new Error(`not a Spotify track id: ${JSON.stringify(trackId)}`);
  return trackId;
}

/** The song's page on Spotify (the title links there). */
export function spotifyTrackUrl(trackId: string): string {
  return `https://open.spotify.com/track/${checkedId(trackId)}`;
}

/** Spotify's embed player for one track: what "Preview" frames (the CSP's frame-src allows this origin only). */
export function spotifyEmbedUrl(trackId: string): string {
  return `https://open.spotify.com/embed/track/${checkedId(trackId)}`;
}

/** “Title” by Artist, Artist: how buttons and lists name one song. */
export function songName(track: { name: string; artists: readonly string[] }): string {
  return `“${track.name}” by ${track.artists.join(", ")}`;
}

export type ListMode = "dominant" | "mix";

/** The playlist's name: the cluster's label, or the mix (at most 100 characters, as Spotify shows them). */
export function playlistName(mode: ListMode, dominantLabel: string): string {
  const name = mode === "mix" ? "Taste Clusters: your taste mix" : `Taste Clusters: ${dominantLabel}`;
  return name.length <= 100 ? name : `${name.slice(0, 99)}…`;
}

/** What the list says when no song passes the filters, in the mode's own words. */
export function emptyListMessage(mode: ListMode): string {
  const where = mode === "mix" ? "No song in your clusters" : "No song in this cluster";
  return `${where} passes these filters. Lower the minimum popularity or allow explicit songs.`;
}

export interface LegendEntry {
  clusterId: number;
  label: string;
  /** Share of the user's liked songs in it; null for a cluster none of them falls in. */
  share: number | null;
}

/** The map's cluster legend: the user's clusters first (biggest share first), then the others by id. */
export function clusterLegend(
  clusters: readonly { id: number; label: string }[],
  shares: readonly { clusterId: number; share: number }[],
): LegendEntry[] {
  const labelOf = new Map(clusters.map((c) => [c.id, c.label]));
  const yours = shares.map((s) => ({ clusterId: s.clusterId, label: labelOf.get(s.clusterId) ?? `cluster ${s.clusterId}`, share: s.share }));
  const mine = new Set(shares.map((s) => s.clusterId));
  const others = clusters.filter((c) => !mine.has(c.id)).map((c) => ({ clusterId: c.id, label: c.label, share: null }));
  return [...yours, ...others];
}
