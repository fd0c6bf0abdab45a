// Markdown tables of an EvaluationResult. Pure.
import { METHOD_LABELS } from "./recommenders";
import type { PlaylistEvaluation, PlaylistScores } from "./playlist-run";
import type { EvaluationResult, MethodResult, Scores } from "./run";

/** Where the data came from, for the report's header. */
export interface ReportSource {
  tracksFile: string;
  tracksSha256: string;
  rowsRejected: number;
  artistsFile: string | null;
  artistsWithGenres: number;
  /** The k the headline tables use (the app's default). */
  mainK: number;
  /** The command that produced the report, to rerun it. */
  command: string;
}

const percent = (value: number | null, digits = 1) => (value === null ? "–" : `${(value * 100).toFixed(digits)}%`);
const fixed = (value: number | null, digits: number) => (value === null ? "–" : value.toFixed(digits));

const SCORE_HEADER = ["hit rate", "recall", "genre precision", "diversity", "novelty", "coverage"];

/** "20.5% ±5.6": a mean and the half-width of its 95% confidence interval, in percentage points. */
function withCi(value: number | null, halfWidth: number | null): string {
  return value === null || halfWidth === null ? percent(value) : `${percent(value)} ±${(halfWidth * 100).toFixed(1)}`;
}

function scoreCells(s: Scores): string[] {
  return [
    withCi(s.hitRate, s.ci95.hitRate), withCi(s.recall, s.ci95.recall), withCi(s.genrePrecision, s.ci95.genrePrecision),
    fixed(s.diversity, 2), fixed(s.novelty, 3), percent(s.coverage, 2),
  ];
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function shortListNotes(methods: readonly MethodResult[], cutoff: number): string[] {
  return methods
    .filter((m) => m.scores[cutoff].meanLength < cutoff - 1e-9)
    .map((m) => `${METHOD_LABELS[m.method]}${m.k === null ? "" : ` (k = ${m.k})`} returned ${m.scores[cutoff].meanLength.toFixed(2)} songs on average, not the full list (few candidates pass its filters, artist cap or duplicate check); empty slots count as misses.`);
}

export function formatReport(result: EvaluationResult, source: ReportSource): string {
  const main = result.perK.find((r) => r.k === source.mainK) ?? result.perK[0];
  const out: string[] = [];
  const { likedSize: liked, heldOutSize: held } = result;
  out.push(
    `- Command: \`${source.command}\``,
    `- Tracks: ${source.tracksFile}, ${result.catalogSize} valid tracks (${source.rowsRejected} rows rejected), sha256 ${source.tracksSha256.slice(0, 16)}…`,
    `- Artists: ${source.artistsFile === null ? "none given: no genres, related artists are co-credited ones, genre precision not measured" : `${source.artistsFile}, ${source.artistsWithGenres} catalog artists with genres`}`,
    `- Simulated users: ${result.users} of ${result.usersRequested} requested, seed ${result.seed}; ` +
      `liked songs per user ${liked.min}–${liked.max} (mean ${liked.mean.toFixed(1)}), held out ${held.min}–${held.max} (mean ${held.mean.toFixed(1)})`,
    `- Clustering: k-means++ (seed ${result.kmeansSeed}) on the standardized audio features, k ∈ {${result.perK.map((r) => r.k).join(", ")}}`,
    "- Hit rate, recall and genre precision are means over users ± the half-width of their 95% confidence interval (percentage points); " +
      "diversity = mean pairwise distance in z-space; novelty = mean (100 − popularity)/100; coverage = distinct recommended tracks / catalog size, over all users.",
    "",
    `### Ours vs baselines (k = ${main.k})`,
    "",
    `Ceiling: ${percent(main.ceiling)} of a user's held-out songs lie in their dominant cluster; ` +
      `${percent(main.ceilingPopular)} lie there with popularity ≥ 70.`,
  );
  const headline = [...result.baselines, ...main.methods];
  for (const cutoff of result.cutoffs) {
    out.push("", `#### Top ${cutoff}`, "");
    out.push(table(["method", ...SCORE_HEADER], headline.map((m) => [METHOD_LABELS[m.method], ...scoreCells(m.scores[cutoff])])));
    const notes = shortListNotes(headline, cutoff);
    if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
  }

  out.push("", "### Choice of k", "", table(
    ["k", "inertia", "cluster sizes", "ceiling", "ceiling, popularity ≥ 70"],
    result.perK.map((r) => [
      String(r.k), r.inertia.toFixed(0), `${Math.min(...r.clusterSizes)}–${Math.max(...r.clusterSizes)}`,
      percent(r.ceiling), percent(r.ceilingPopular),
    ]),
  ));
  for (const cutoff of result.cutoffs) {
    const methods = result.perK.flatMap((r) => r.methods);
    out.push("", `#### Top ${cutoff}, per k`, "");
    out.push(table(["k", "method", ...SCORE_HEADER], methods.map((m) => [String(m.k), METHOD_LABELS[m.method], ...scoreCells(m.scores[cutoff])])));
    const notes = shortListNotes(methods, cutoff);
    if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
  }
  return out.join("\n") + "\n";
}

/** Where the playlist evaluation's data came from. */
export interface PlaylistReportSource {
  tracksFile: string;
  tracksSha256: string;
  rowsRead: number;
  tracks: number;
  command: string;
}

const PLAYLIST_HEADER = ["method", "hit rate", "recall", "NDCG", "genre precision", "subgenre precision", "coverage", "songs"];

function playlistCells(s: PlaylistScores): string[] {
  return [
    withCi(s.hitRate, s.ci95.hitRate), withCi(s.recall, s.ci95.recall), withCi(s.ndcg, s.ci95.ndcg),
    withCi(s.genrePrecision, s.ci95.genrePrecision), withCi(s.subgenrePrecision, s.ci95.subgenrePrecision),
    percent(s.coverage, 2), s.meanLength.toFixed(1),
  ];
}

/** Markdown of a playlist evaluation: the methods, then the sweep (when run). */
export function formatPlaylistReport(result: PlaylistEvaluation, source: PlaylistReportSource): string {
  const { cutoff } = result;
  const out = [
    `- Command: \`${source.command}\``,
    `- Catalog: ${source.tracksFile}, ${source.rowsRead} rows, ${source.tracks} tracks, sha256 ${source.tracksSha256.slice(0, 16)}…`,
    `- Users: ${result.users} playlists with at least 10 distinct tracks (of ${result.playlistsNamed} named); ` +
      `liked (first 70%, file order) ${result.likedSize.min}–${result.likedSize.max} (mean ${result.likedSize.mean.toFixed(1)}), ` +
      `held out ${result.heldOutSize.min}–${result.heldOutSize.max} (mean ${result.heldOutSize.mean.toFixed(1)})`,
    `- Each method returns ${cutoff} songs. Genres the recommender sees are computed without the evaluated playlist's rows; ` +
      "a song counts for genre (subgenre) precision when the genre most of its rows give equals the playlist's. " +
      "Means over playlists ± the half-width of their 95% confidence interval (percentage points).",
    "",
    table(PLAYLIST_HEADER, result.methods.map((m) => [m.label, ...playlistCells(m)])),
  ];
  if (result.sweep.length) {
    out.push("", `#### Sweep: one change at a time from the app's defaults (${cutoff} songs)`, "");
    const app = result.methods.find((m) => m.method === "app");
    const rows = app ? [{ ...app, change: "**defaults**" }, ...result.sweep] : result.sweep;
    out.push(table(["change", ...PLAYLIST_HEADER.slice(1)], rows.map((m) => [m.change, ...playlistCells(m)])));
  }
  return out.join("\n") + "\n";
}
