// The whole offline evaluation in memory: simulate users, cluster the catalog for each k, ask each
// recommender for 10, 20 and 50 songs per user, and average the metrics. Pure (CPU only).
import { dominantCluster } from "../recommend/taste";
import { clusterCatalog, type CatalogClustering, type EvalCatalog } from "./catalog";
import {
  catalogCoverage, clusterCeiling, confidenceHalfWidth, genrePrecision, hit, intraListDiversity, mean, novelty, recall,
} from "./metrics";
import {
  ARTICLE_POPULARITY_ABOVE, articleRecommender, oursRecommender, popularRecommender, randomRecommender,
  type MethodId, type Recommender,
} from "./recommenders";
import { simulateUsers, type SimulationOptions, type SimUser } from "./simulate";

export const CUTOFFS = [10, 20, 50] as const;

export interface EvaluationOptions {
  users: number;
  /** Seed of the user simulation (and of the random baseline). */
  seed: number;
  /** k values to cluster with; the cluster-based methods are scored for each. */
  ks: readonly number[];
  /** k-means seed, as in `npm run seed`. */
  kmeansSeed: number;
  cutoffs?: readonly number[];
  simulation?: Omit<SimulationOptions, "users" | "seed">;
  /** Called as each step starts, for a progress line. */
  onStep?: (step: string) => void;
}

/** Averages over users, for one method and one list length. */
export interface Scores {
  hitRate: number;
  recall: number;
  /** Null without artist genres. */
  genrePrecision: number | null;
  /** Mean pairwise distance in z-space. */
  diversity: number | null;
  /** Mean (100 − popularity) / 100. */
  novelty: number | null;
  /** Distinct recommended tracks over all users / catalog size. */
  coverage: number;
  /** Mean list length (below the cutoff when a method runs out of candidates). */
  meanLength: number;
  /** Half-widths of the 95% confidence intervals of the per-user means (the users are a sample too). */
  ci95: { hitRate: number | null; recall: number | null; genrePrecision: number | null };
}

export interface MethodResult {
  method: MethodId;
  /** The clustering's k, for the cluster-based methods. */
  k: number | null;
  scores: Record<number, Scores>;
}

export interface KResult {
  k: number;
  inertia: number;
  clusterSizes: number[];
  /** Mean share of a user's held-out songs inside their dominant cluster. */
  ceiling: number;
  /** The same, counting only held-out songs with popularity ≥ the app's floor (70). */
  ceilingPopular: number;
  methods: MethodResult[];
}

export interface SizeStats {
  min: number;
  mean: number;
  max: number;
}

export interface EvaluationResult {
  seed: number;
  usersRequested: number;
  users: number;
  kmeansSeed: number;
  catalogSize: number;
  genresKnown: boolean;
  likedSize: SizeStats;
  heldOutSize: SizeStats;
  cutoffs: number[];
  baselines: MethodResult[];
  perK: KResult[];
}

function sizeStats(sizes: number[]): SizeStats {
  return { min: Math.min(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / sizes.length, max: Math.max(...sizes) };
}

/** What a user's list is judged against. */
interface Truth {
  heldOut: ReadonlySet<number>;
  /** Genres of the primary artists of the held-out songs. */
  genres: ReadonlySet<string>;
}

function truthOf(catalog: EvalCatalog, user: SimUser): Truth {
  return {
    heldOut: new Set(user.heldOut),
    genres: new Set(user.heldOut.flatMap((i) => catalog.trackGenres(i))),
  };
}

function scoreMethod(
  catalog: EvalCatalog,
  users: readonly SimUser[],
  truths: readonly Truth[],
  recommender: Recommender,
  cutoffs: readonly number[],
  k: number | null,
): MethodResult {
  const scores: Record<number, Scores> = {};
  for (const cutoff of cutoffs) {
    const lists = users.map((user) => recommender.recommend(user, cutoff));
    const hits = lists.map((list, u) => hit(list, truths[u].heldOut));
    const recalls = lists.map((list, u) => recall(list, truths[u].heldOut));
    const precisions = catalog.hasGenres
      ? lists.map((list, u) => genrePrecision(list.map((i) => catalog.trackGenres(i)), truths[u].genres, cutoff))
      : [];
    scores[cutoff] = {
      hitRate: mean(hits)!,
      recall: mean(recalls)!,
      genrePrecision: mean(precisions),
      diversity: mean(lists.map((list) => intraListDiversity(list.map((i) => catalog.z[i])))),
      novelty: mean(lists.map((list) => novelty(list.map((i) => catalog.tracks[i].popularity)))),
      coverage: catalogCoverage(lists, catalog.size),
      meanLength: mean(lists.map((list) => list.length))!,
      ci95: {
        hitRate: confidenceHalfWidth(hits),
        recall: confidenceHalfWidth(recalls),
        genrePrecision: confidenceHalfWidth(precisions),
      },
    };
  }
  return { method: recommender.method, k, scores };
}

function ceilings(catalog: EvalCatalog, users: readonly SimUser[], clustering: CatalogClustering) {
  const { assignments } = clustering;
  const perUser = users.map((user) => {
    const dominant = dominantCluster(user.liked.map((i) => assignments[i]))!.clusterId;
    const clusters = user.heldOut.map((i) => assignments[i]);
    const popularClusters = user.heldOut.map((i) =>
      catalog.tracks[i].popularity > ARTICLE_POPULARITY_ABOVE ? assignments[i] : -1,
    );
    return { all: clusterCeiling(clusters, dominant), popular: clusterCeiling(popularClusters, dominant) };
  });
  return { ceiling: mean(perUser.map((c) => c.all))!, ceilingPopular: mean(perUser.map((c) => c.popular))! };
}

export function runEvaluation(catalog: EvalCatalog, options: EvaluationOptions): EvaluationResult {
  const cutoffs = [...(options.cutoffs ?? CUTOFFS)];
  const step = options.onStep ?? (() => {});
  step(`simulating ${options.users} users (seed ${options.seed})`);
  const users = simulateUsers(catalog, { ...options.simulation, users: options.users, seed: options.seed });
  if (users.length === 0) throw new Error("no user could be simulated from this catalog");
  const truths = users.map((user) => truthOf(catalog, user));

  step("scoring the baselines");
  const baselines = [randomRecommender(catalog), popularRecommender(catalog)].map((r) =>
    scoreMethod(catalog, users, truths, r, cutoffs, null),
  );

  const perK = options.ks.map((k): KResult => {
    step(`clustering with k = ${k} and scoring the cluster-based methods`);
    const clustering = clusterCatalog(catalog, k, options.kmeansSeed);
    const methods = [articleRecommender(catalog, clustering), oursRecommender(catalog, clustering)].map((r) =>
      scoreMethod(catalog, users, truths, r, cutoffs, k),
    );
    return { k, inertia: clustering.inertia, clusterSizes: clustering.sizes, ...ceilings(catalog, users, clustering), methods };
  });

  return {
    seed: options.seed,
    usersRequested: options.users,
    users: users.length,
    kmeansSeed: options.kmeansSeed,
    catalogSize: catalog.size,
    genresKnown: catalog.hasGenres,
    likedSize: sizeStats(users.map((u) => u.liked.length)),
    heldOutSize: sizeStats(users.map((u) => u.heldOut.length)),
    cutoffs,
    baselines,
    perK,
  };
}
