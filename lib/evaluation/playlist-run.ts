// Scores recommenders on the playlist protocol: for each playlist, a list of `cutoff` songs from its
// liked songs, judged against its held-out songs and its genre. Pure (CPU only).
import type { EvalCatalog } from "./catalog";
import { catalogCoverage, confidenceHalfWidth, hit, mean, ndcg, recall } from "./metrics";
import { APP_BEFORE, APP_DEFAULTS } from "./app-settings";
import { appMethod, articleMethod, popularMethod, randomMethod, sweepVariants, type PlaylistMethod } from "./playlist-methods";
import { GenreView, playlistUsers, type PlaylistUser } from "./playlists";

export interface PlaylistScores {
  method: string;
  label: string;
  hitRate: number;
  recall: number;
  ndcg: number;
  /** Share of the list's slots whose track's majority genre is the playlist's genre (empty slots miss). */
  genrePrecision: number;
  subgenrePrecision: number;
  /** Distinct recommended tracks over all playlists / catalog size. */
  coverage: number;
  meanLength: number;
  /** Half-widths of the 95% confidence intervals of the per-playlist means. */
  ci95: { hitRate: number; recall: number; ndcg: number; genrePrecision: number; subgenrePrecision: number };
}

/** Share of `cutoff` slots whose label equals `wanted`; null when the playlist has no such label. */
export function labelPrecision(labels: readonly (string | null)[], wanted: string | null, cutoff: number): number | null {
  if (wanted === null) return null;
  return labels.filter((label) => label === wanted).length / cutoff;
}

export function scorePlaylistMethod(
  catalog: EvalCatalog,
  view: GenreView,
  users: readonly PlaylistUser[],
  method: PlaylistMethod,
  cutoff: number,
): PlaylistScores {
  const lists = users.map((user) => method.recommend(user, cutoff).slice(0, cutoff));
  const heldOut = users.map((user) => new Set(user.heldOut));
  const hits = lists.map((list, u) => hit(list, heldOut[u]));
  const recalls = lists.map((list, u) => recall(list, heldOut[u]));
  const ndcgs = lists.map((list, u) => ndcg(list, heldOut[u], cutoff));
  const genres = lists.map((list, u) => labelPrecision(list.map((i) => view.majorityGenre(i)), users[u].genre, cutoff));
  const subgenres = lists.map((list, u) => labelPrecision(list.map((i) => view.majoritySubgenre(i)), users[u].subgenre, cutoff));
  const ci = (values: readonly (number | null)[]) => confidenceHalfWidth(values) ?? 0;
  return {
    method: method.id,
    label: method.label,
    hitRate: mean(hits)!,
    recall: mean(recalls)!,
    ndcg: mean(ndcgs)!,
    genrePrecision: mean(genres) ?? 0,
    subgenrePrecision: mean(subgenres) ?? 0,
    coverage: catalogCoverage(lists, catalog.size),
    meanLength: mean(lists.map((list) => list.length))!,
    ci95: { hitRate: ci(hits), recall: ci(recalls), ndcg: ci(ndcgs), genrePrecision: ci(genres), subgenrePrecision: ci(subgenres) },
  };
}

export interface PlaylistEvaluationOptions {
  cutoff?: number;
  /** Evaluate only these playlists (a fixed subset for CI); all by default. */
  users?: (users: PlaylistUser[]) => PlaylistUser[];
  /** Also score the sweep's variants (slow: one pass each). */
  sweep?: boolean;
  onStep?: (step: string) => void;
}

export interface PlaylistEvaluation {
  cutoff: number;
  users: number;
  playlistsNamed: number;
  likedSize: { min: number; mean: number; max: number };
  heldOutSize: { min: number; mean: number; max: number };
  /** random, popular, article, app before, app (defaults). */
  methods: PlaylistScores[];
  /** Each variant of the sweep, with what it changes. */
  sweep: (PlaylistScores & { change: string })[];
}

function sizeStats(sizes: number[]) {
  return { min: Math.min(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / sizes.length, max: Math.max(...sizes) };
}

export function runPlaylistEvaluation(catalog: EvalCatalog, options: PlaylistEvaluationOptions = {}): PlaylistEvaluation {
  const cutoff = options.cutoff ?? 20;
  const step = options.onStep ?? (() => {});
  const view = new GenreView(catalog.tracks);
  const allUsers = playlistUsers(catalog.tracks);
  const users = options.users ? options.users(allUsers) : allUsers;
  if (users.length === 0) throw new Error("the catalog has no playlist with at least 10 tracks: the playlist protocol needs one");
  const methods: PlaylistMethod[] = [
    randomMethod(catalog),
    popularMethod(catalog),
    articleMethod(catalog),
    appMethod(catalog, view, APP_BEFORE, "before", "the app before (k = 8, sound only, pop ≥ 70, 2 per artist)"),
    appMethod(catalog, view, APP_DEFAULTS, "app", "the app (defaults)"),
  ];
  const scores = methods.map((method) => {
    step(`scoring ${method.label} on ${users.length} playlists`);
    return scorePlaylistMethod(catalog, view, users, method, cutoff);
  });
  const sweep = (options.sweep ? sweepVariants() : []).map(({ change, settings }) => {
    step(`sweep: ${change}`);
    return { change, ...scorePlaylistMethod(catalog, view, users, appMethod(catalog, view, settings, change, change), cutoff) };
  });
  return {
    cutoff,
    users: users.length,
    playlistsNamed: new Set(catalog.tracks.flatMap((t) => t.playlists.map((p) => p.id))).size,
    likedSize: sizeStats(users.map((u) => u.liked.length)),
    heldOutSize: sizeStats(users.map((u) => u.heldOut.length)),
    methods: scores,
    sweep,
  };
}
