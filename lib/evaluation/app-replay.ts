// The app's recommendation pipeline (lib/recommend/service.ts) replayed in memory on a clustered
// catalog, for the offline evaluation. Pure: the app's own rankCandidates, its candidate rules.
import {
  MAX_LIKED_ARTISTS, mostLikedArtists, popularityFloors, rankCandidates, tasteSignals,
} from "../recommend/rank";
import { apportion, clusterShares, type RecTrack } from "../recommend/taste";
import type { AppSettings } from "./app-settings";
import type { CatalogClustering, EvalCatalog } from "./catalog";

/**
 * Returns recommend(liked, limit, recTrack): as the app runs it, the dominant cluster (or the mix's
 * slots), candidates from it above the popularity floor (its most popular songs, widened ×4 while
 * the list is short, plus the liked artists' songs), ranked with the user's genre and artist
 * signals; the floor drops by 10 while the list is short. `recTrack` gives a track as the
 * recommender may see it (the evaluation decides which genres are visible).
 */
export function appReplay(catalog: EvalCatalog, clustering: CatalogClustering, settings: AppSettings) {
  const { tracks } = catalog;
  const byPopularity = Array.from({ length: clustering.k }, () => [] as number[]);
  tracks.forEach((_, i) => byPopularity[clustering.assignments[i]].push(i));
  for (const list of byPopularity) {
    list.sort((a, b) => tracks[b].popularity - tracks[a].popularity || (tracks[a].id < tracks[b].id ? -1 : 1));
  }
  // Like the app's (cluster_id, primary_artist) query; in popularity order like byPopularity.
  const byClusterArtist = new Map<string, number[]>();
  for (const list of byPopularity) {
    for (const i of list) {
      const key = `${clustering.assignments[i]}|${tracks[i].artists[0]}`;
      const tracksOfArtist = byClusterArtist.get(key);
      if (tracksOfArtist) tracksOfArtist.push(i);
      else byClusterArtist.set(key, [i]);
    }
  }

  return function recommend(likedIndices: readonly number[], limit: number, recTrack: (index: number) => RecTrack): number[] {
    const liked = likedIndices.map(recTrack);
    const signals = tasteSignals(liked);
    const likedArtists = mostLikedArtists(liked, MAX_LIKED_ARTISTS);
    const shares = clusterShares(liked.map((t) => t.clusterId));
    if (shares.length === 0) return [];
    const slots = apportion(shares.map((s) => s.share), limit);
    const plan = settings.mode === "mix"
      ? shares.map((s, i) => ({ clusterId: s.clusterId, slots: slots[i] })).filter((p) => p.slots > 0)
      : [{ clusterId: shares[0].clusterId, slots: limit }];
    const picked: number[] = [];
    const pickedSongs = new Set(liked.map((t) => t.matchKey));
    for (const { clusterId, slots: wanted } of plan) {
      const likedHere = liked.filter((t) => t.clusterId === clusterId);
      const ordered = byPopularity[clusterId];
      const popularAbove = (floor: number, pool: number) => {
        const popular: number[] = [];
        for (let j = 0; j < ordered.length && j < pool && tracks[ordered[j]].popularity >= floor; j++) popular.push(ordered[j]);
        return popular;
      };
      const candidatesWith = (popular: number[], floor: number) => {
        const chosen = new Set(popular);
        if (settings.likedArtistsPool) {
          for (const artist of likedArtists) {
            for (const i of byClusterArtist.get(`${clusterId}|${artist}`) ?? []) if (tracks[i].popularity >= floor) chosen.add(i);
          }
        }
        return [...chosen].map(recTrack);
      };
      const rank = (candidates: RecTrack[]) =>
        rankCandidates(candidates, likedHere, {
          limit: wanted,
          maxPerArtist: settings.maxPerArtist,
          allowExplicit: true,
          excludeIds: new Set(liked.map((t) => t.id)),
          excludeSongs: pickedSongs,
          signals,
          weights: settings.weights,
        });
      for (const floor of popularityFloors(settings.minPopularity)) {
        let pool = Math.max(settings.candidatePool, wanted * 20);
        let popular = popularAbove(floor, pool);
        let ranked = rank(candidatesWith(popular, floor));
        while (ranked.length < wanted && popular.length === pool && pool < settings.maxCandidatePool) {
          pool = Math.min(pool * 4, settings.maxCandidatePool);
          popular = popularAbove(floor, pool);
          ranked = rank(candidatesWith(popular, floor));
        }
        // A full pool means a lower floor would only return the same most popular songs again.
        if (ranked.length >= wanted || floor === 0 || popular.length === pool) {
          for (const r of ranked) {
            picked.push(catalog.indexOf(r.track.id));
            pickedSongs.add(r.track.matchKey);
          }
          break;
        }
      }
    }
    return picked;
  };
}
