import "server-only";
import { standardize } from "../clustering/scaler";
import { TRACK_SELECT, type CatalogInfo } from "../catalog/store";
import { CLUSTER_FEATURES } from "../catalog/types";
import type { Db } from "../db/client";
import { fitProjection, type Point2D } from "./projection";

/** Catalog tracks drawn on the map: enough to show the clusters' shapes, few enough for one SVG. */
const MAP_SAMPLE = 700;

export interface TasteMap {
  /** Every cluster of the catalog, for the legend. */
  clusters: { id: number; label: string }[];
  catalog: { point: Point2D; clusterId: number }[];
  liked: Point2D[];
  recommended: Point2D[];
}

interface FittedMap {
  catalog: TasteMap["catalog"];
  project: (z: number[]) => Point2D;
}

// Per catalog version (seededAt): fitting is done once per server process and seed.
const fitted = new Map<string, Promise<FittedMap>>();

function zOf(row: Record<string, unknown>, info: CatalogInfo): number[] {
  return standardize(CLUSTER_FEATURES.map((f) => row[f] as number), { means: info.model.scalerMeans, stds: info.model.scalerStds });
}

async function fitMap(db: Db, info: CatalogInfo): Promise<FittedMap> {
  // Spotify ids are random, so the first ids in key order are a fair sample, read from the primary key index.
  const rows = await db.track.findMany({ orderBy: { id: "asc" }, take: MAP_SAMPLE, select: TRACK_SELECT });
  const zs = rows.map((row) => zOf(row, info));
  const project = fitProjection(zs);
  return { project, catalog: rows.map((row, i) => ({ point: project(zs[i]), clusterId: row.clusterId })) };
}

/** A 2-D map (PCA) of a catalog sample coloured by cluster, with the user's liked songs and recommendations on it. */
export async function tasteMap(db: Db, info: CatalogInfo, likedZ: number[][], recommendedZ: number[][]): Promise<TasteMap> {
  const key = info.model.seededAt.toISOString();
  if (!fitted.has(key)) {
    fitted.clear();
    fitted.set(key, fitMap(db, info).catch((error) => { fitted.delete(key); throw error; }));
  }
  const map = await fitted.get(key)!;
  const clusters = info.clusters.map((c) => ({ id: c.id, label: c.label })).sort((a, b) => a.id - b.id);
  return { clusters, catalog: map.catalog, liked: likedZ.map(map.project), recommended: recommendedZ.map(map.project) };
}
