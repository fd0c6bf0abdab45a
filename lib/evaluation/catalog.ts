// The catalog as the offline evaluation sees it: tracks in file order, their standardized features,
// artist genres, and the clustering for one k. Pure: built from rows already read.
import { fitKMeans } from "../clustering/kmeans";
import { fitScaler, standardize, type Scaler } from "../clustering/scaler";
import { matchKey } from "../catalog/parse";
import { CLUSTER_FEATURES, type CatalogTrack } from "../catalog/types";
import type { RecTrack } from "../recommend/taste";

const NO_GENRES: readonly string[] = [];

/** A track's primary artist: its id, or its name in formats without artist ids. */
export function artistKey(t: CatalogTrack): string {
  return t.idArtists?.[0] ?? t.artists[0];
}

export class EvalCatalog {
  /** Standardized CLUSTER_FEATURES of each track (the app's z-space), fitted on the whole catalog. */
  readonly z: number[][];
  readonly scaler: Scaler;
  /** Track indices by primary artist id (first of id_artists), in file order. */
  readonly tracksByArtist: ReadonlyMap<string, readonly number[]>;
  private readonly indexById: ReadonlyMap<string, number>;
  private readonly matchKeys: (string | undefined)[];

  /**
   * @param tracks the catalog in file order
   * @param genresByArtist genres by artist id (from artists.csv); null when no artists file was given,
   *   in which case genre-based simulation and genre precision are unavailable
   */
  constructor(
    readonly tracks: readonly CatalogTrack[],
    readonly genresByArtist: ReadonlyMap<string, readonly string[]> | null,
  ) {
    if (tracks.length === 0) throw new Error("the catalog has no tracks");
    const raw = tracks.map((t) => CLUSTER_FEATURES.map((f) => t[f]));
    this.scaler = fitScaler(raw);
    this.z = raw.map((row) => standardize(row, this.scaler));
    const byArtist = new Map<string, number[]>();
    tracks.forEach((t, i) => {
      const artist = artistKey(t);
      const list = byArtist.get(artist);
      if (list) list.push(i);
      else byArtist.set(artist, [i]);
    });
    this.tracksByArtist = byArtist;
    this.indexById = new Map(tracks.map((t, i) => [t.id, i]));
    this.matchKeys = new Array<string | undefined>(tracks.length);
  }

  get size(): number {
    return this.tracks.length;
  }

  get hasGenres(): boolean {
    return this.genresByArtist !== null;
  }

  indexOf(id: string): number {
    const index = this.indexById.get(id);
    if (index === undefined) throw new Error(`track ${id} is not in the catalog`);
    return index;
  }

  /** Genres of an artist id; empty when unknown. */
  artistGenres(artistId: string): readonly string[] {
    return this.genresByArtist?.get(artistId) ?? NO_GENRES;
  }

  /** Genres of a track's primary artist. */
  trackGenres(index: number): readonly string[] {
    return this.artistGenres(artistKey(this.tracks[index]));
  }

  /** The app's song key (title + primary artist), computed on first use: it is regex-heavy. */
  matchKey(index: number): string {
    const t = this.tracks[index];
    return (this.matchKeys[index] ??= matchKey(t.name, t.artists[0]));
  }

  /** The track as the app's ranking sees it (see lib/recommend/service.ts toRecTrack). */
  recTrack(index: number, clusterId: number): RecTrack {
    const t = this.tracks[index];
    return {
      id: t.id,
      name: t.name,
      artists: t.artists,
      primaryArtist: t.artists[0],
      releaseYear: t.releaseYear,
      popularity: t.popularity,
      explicit: t.explicit,
      genres: t.genres.length ? t.genres : this.trackGenres(index),
      clusterId,
      matchKey: this.matchKey(index),
      z: this.z[index],
    };
  }
}

/** The catalog's clustering for one k, fitted like `npm run seed` does (same features, scaler and seed). */
export interface CatalogClustering {
  k: number;
  /** Cluster id of each track, by track index; 0 is the largest cluster. */
  assignments: Int32Array;
  sizes: number[];
  inertia: number;
}

export function clusterCatalog(catalog: EvalCatalog, k: number, seed: number): CatalogClustering {
  const model = fitKMeans(catalog.z, k, { seed });
  const sizes = new Array<number>(k).fill(0);
  for (const c of model.assignments) sizes[c]++;
  return { k, assignments: model.assignments, sizes, inertia: model.inertia };
}
