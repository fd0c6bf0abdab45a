import { standardize, type Scaler } from "../clustering/scaler";
import { readCatalogInfo, TRACK_SELECT, type CatalogInfo } from "../catalog/store";
import { CLUSTER_FEATURES } from "../catalog/types";
import { sqlPoolOf, type Db } from "../db/client";
import {
  artistKey, candidateTable, CandidateVocabulary, DEFAULT_WEIGHTS, MAX_LIKED_ARTISTS, mostLikedArtists, popularityFloors,
  rankTables, tasteSignals, type CandidateTable, type Recommendation,
} from "./rank";
import { sharedFreshRead } from "./fresh-read";
import { apportion, centroidOf, clusterShares, type RecTrack } from "./taste";
import { whyThisSong } from "./why";

export interface RecommendationRequest {
  /** Liked or seed track ids, most recent first (ties between clusters go to the earliest). */
  trackIds: string[];
  /** Liked songs whose id may not be in the catalog, matched by normalized title + artist. */
  byName?: { id: string; matchKey: string }[];
  limit: number;
  minPopularity: number;
  mode: "dominant" | "mix";
  maxPerArtist: number;
  allowExplicit: boolean;
  /** Songs the user said are not for them: never recommended; the next best song takes the slot. */
  excludeIds?: string[];
  /** Artists the user said are not for them (any spelling case): none of their songs is recommended. */
  excludeArtists?: string[];
}

/**
 * Defaults chosen on real playlists (docs/evaluation.md): popularity is a prior in the score, so no
 * floor is needed to keep lists popular; a floor of 70 halved the songs people kept in their playlists.
 */
export const DEFAULT_REQUEST = {
  limit: 20,
  minPopularity: 0,
  mode: "dominant",
  maxPerArtist: 3,
  allowExplicit: true,
} as const satisfies Omit<RecommendationRequest, "trackIds">;

export interface ClusterSummary {
  id: number;
  label: string;
  size: number;
  /** Centroid in real units, keyed by feature. */
  profile: Record<string, number>;
  /** The genres most of its tracks have, with their share of the tracks that have a genre; [] without genres. */
  topGenres: { genre: string; share: number }[];
}

export interface RecommendationResult {
  /** What the catalog knows: its file format and optional columns (a filter on a missing column is moot). */
  catalog: { format: string; columns: string[] };
  features: string[];
  matched: { byId: number; byName: number; notFound: string[] };
  dominant: (ClusterSummary & { count: number; share: number }) | null;
  shares: { clusterId: number; label: string; count: number; share: number }[];
  /** Mean real-unit features of the user's songs in the dominant cluster. */
  tasteProfile: Record<string, number> | null;
  /** Popularity floor actually used; lower than asked when too few songs passed. */
  popularityFloor: number;
  notice: string | null;
  recommendations: (Omit<Recommendation, "track"> & { track: Omit<RecTrack, "z" | "matchKey">; why: string[] })[];
}

export class CatalogNotSeededError extends Error {
  constructor() {
    super("The catalog is empty: run `npm run seed -- <tracks.csv>` first.");
  }
}

type TrackRow = { [K in keyof typeof TRACK_SELECT]: unknown } & Record<string, unknown>;

function toRecTrack(row: TrackRow, scaler: Scaler): RecTrack {
  return {
    id: row.id as string,
    name: row.name as string,
    artists: row.artists as string[],
    artistKeys: (row.artists as string[]).map(artistKey),
    primaryArtist: row.primaryArtist as string,
    releaseYear: row.releaseYear as number | null,
    popularity: row.popularity as number,
    explicit: row.explicit as boolean | null,
    // A track without genres of its own is known by its artist's (see lib/catalog/genres.ts).
    genres: (row.genres as string[]).length ? (row.genres as string[]) : (row.artistGenres as string[]),
    clusterId: row.clusterId as number,
    matchKey: row.matchKey as string,
    z: standardize(CLUSTER_FEATURES.map((f) => row[f] as number), scaler),
  };
}

function profileOf(values: number[]): Record<string, number> {
  return Object.fromEntries(CLUSTER_FEATURES.map((f, d) => [f, values[d]]));
}

/**
 * The recommendation pipeline shared by the web page, the HTTP API and the
 * CLI: match the liked songs to the catalog, find the dominant cluster (or the
 * mix), and rank that cluster's songs by closeness to the user's taste.
 */
export async function recommend(db: Db, request: RecommendationRequest, catalog?: CatalogInfo): Promise<RecommendationResult> {
  return (await recommendWithTaste(db, request, catalog)).result;
}

/** The result, plus the songs' standardized features for the page's map, most recent liked song first. */
export interface RecommendationWithTaste {
  result: RecommendationResult;
  likedZ: number[][];
  recommendedZ: number[][];
}

export async function recommendWithTaste(db: Db, request: RecommendationRequest, catalog?: CatalogInfo): Promise<RecommendationWithTaste> {
  const { held, byId } = await readCatalogAndLikedTracks(db, request, catalog);
  const { info, scaler, clusterById } = held;

  const liked = await matchLikedTracks(db, request, held, byId);
  const shares = clusterShares(liked.tracks.map((t) => t.clusterId));
  const result: RecommendationResult = {
    catalog: { format: info.model.format, columns: info.model.columns },
    features: [...CLUSTER_FEATURES],
    matched: liked.matched,
    dominant: null,
    shares: shares.map((s) => ({ ...s, label: clusterById.get(s.clusterId)?.label ?? `cluster ${s.clusterId}` })),
    tasteProfile: null,
    popularityFloor: request.minPopularity,
    notice: null,
    recommendations: [],
  };
  const recommendedZ: number[][] = [];
  const withTaste = () => ({ result, likedZ: liked.tracks.map((t) => t.z), recommendedZ });
  if (shares.length === 0) return withTaste();

  const top = shares[0];
  const topCluster = clusterById.get(top.clusterId)!;
  result.dominant = {
    id: topCluster.id, label: topCluster.label, size: topCluster.size,
    profile: profileOf(topCluster.centroid), topGenres: topCluster.topGenres as ClusterSummary["topGenres"],
    count: top.count, share: top.share,
  };
  const likedInTop = liked.tracks.filter((t) => t.clusterId === top.clusterId);
  result.tasteProfile = profileOf(
    centroidOf(likedInTop.map((t) => t.z)).map((z, d) => z * scaler.stds[d] + scaler.means[d]),
  );

  // "dominant": every slot from the top cluster; "mix": slots in proportion to the shares.
  const slotsPerShare = apportion(shares.map((s) => s.share), request.limit);
  const plan = request.mode === "mix"
    ? shares.map((s, i) => ({ clusterId: s.clusterId, slots: slotsPerShare[i] })).filter((p) => p.slots > 0)
    : [{ clusterId: top.clusterId, slots: request.limit }];

  // Genres and artists of all the liked songs, not only the cluster's: what the user likes overall.
  const signals = tasteSignals(liked.tracks);
  const likedArtists = mostLikedArtists(liked.tracks, MAX_LIKED_ARTISTS);
  const alreadyPicked = new Set<string>();
  const excludeIds = new Set([...liked.ids, ...(request.excludeIds ?? [])]);
  const excludeArtists = new Set((request.excludeArtists ?? []).map(artistKey));
  let floorUsed = request.minPopularity;
  for (const { clusterId, slots } of plan) {
    const likedHere = liked.tracks.filter((t) => t.clusterId === clusterId);
    const rank = (candidates: CandidateTable[]) =>
      rankTables(candidates, held.vocabulary, likedHere, {
        limit: slots,
        maxPerArtist: request.maxPerArtist,
        allowExplicit: request.allowExplicit,
        excludeIds,
        excludeArtists,
        excludeSongs: new Set([...liked.matchKeys, ...alreadyPicked]),
        signals,
        weights: DEFAULT_WEIGHTS,
      });
    for (const floor of popularityFloors(request.minPopularity)) {
      // Candidates: the cluster's most popular songs, plus every song of it by an artist the user
      // likes (an artist's lesser-known songs are often what a person wants next).
      // A pool that is not full already holds every song of the cluster above the floor.
      let byLikedArtists: ArtistSongs[] | null = null;
      const candidatesWith = async (popular: PoolAboveFloor, pool: number) => {
        if (popular.table.length < pool) return [popular.table];
        byLikedArtists ??= await tracksByArtistsInCluster(db, held, clusterId, likedArtists);
        return candidateTables(popular, floor, byLikedArtists);
      };
      // Widen the pool before lowering the floor: duplicates and the artist cap
      // can use up the most popular songs while many more pass the floor.
      let pool = Math.max(CANDIDATE_POOL, slots * 20);
      let popular = await topTracksInCluster(db, held, clusterId, floor, pool);
      let ranked = rank(await candidatesWith(popular, pool));
      while (ranked.length < slots && popular.table.length === pool && pool < MAX_CANDIDATE_POOL) {
        pool = Math.min(pool * 4, MAX_CANDIDATE_POOL);
        popular = await topTracksInCluster(db, held, clusterId, floor, pool);
        ranked = rank(await candidatesWith(popular, pool));
      }
      // A full pool means a lower floor would only return the same most popular songs again.
      if (ranked.length >= slots || floor === 0 || popular.table.length === pool) {
        floorUsed = Math.min(floorUsed, floor);
        for (const r of ranked) {
          alreadyPicked.add(r.track.matchKey);
          const { z, matchKey: _m, artistKeys: _k, ...track } = r.track;
          result.recommendations.push({ ...r, track, why: whyThisSong(r) });
          recommendedZ.push(z);
        }
        break;
      }
    }
  }
  result.popularityFloor = floorUsed;
  const notices: string[] = [];
  if (floorUsed < request.minPopularity) {
    notices.push(`Too few songs in ${request.mode === "mix" ? "your clusters" : "this cluster"} have popularity ≥ ${request.minPopularity}; showing songs with popularity ≥ ${floorUsed}.`);
  }
  if (!request.allowExplicit && !info.model.columns.includes("explicit")) {
    notices.push("This catalog has no explicit flag, so explicit songs could not be left out.");
  }
  result.notice = notices.length ? notices.join(" ") : null;
  return withTaste();
}

/** A cluster's most popular songs, most popular first, ready to rank (rank.ts CandidateTable). */
interface CandidatePool {
  table: CandidateTable;
  /** Row of each song in `table`. */
  rowById: ReadonlyMap<string, number>;
}

/** A pool cut at a popularity floor: its first table.length songs. */
interface PoolAboveFloor {
  pool: CandidatePool;
  table: CandidateTable;
}

/** One primary artist's songs in one cluster, most popular first, ready to rank. */
interface ArtistSongs {
  table: CandidateTable;
  /**
   * By pool and number of its songs ranked: which of these songs are among them (1). Skipping
   * them spares the work of scoring a song twice (a second copy could never be picked anyway).
   */
  inPool: WeakMap<CandidatePool, Map<number, Uint8Array>>;
}

/** The entry of an artist without songs in a cluster (never ranked: it has no rows). */
const NO_ARTIST_SONGS: ArtistSongs = { table: candidateTable([], new CandidateVocabulary()), inPool: new WeakMap() };

/** The pool's songs above the floor, and the liked artists' songs above it that the pool does not hold. */
function candidateTables(popular: PoolAboveFloor, floor: number, byArtists: readonly ArtistSongs[]): CandidateTable[] {
  const tables = [popular.table];
  const ranked = popular.table.length;
  for (const songs of byArtists) {
    const above = songs.table.rowsAbove(floor);
    if (above === 0) continue;
    let byLength = songs.inPool.get(popular.pool);
    if (!byLength) songs.inPool.set(popular.pool, (byLength = new Map()));
    let inPool = byLength.get(ranked);
    if (!inPool) {
      inPool = Uint8Array.from(songs.table.tracks, (t) => ((popular.pool.rowById.get(t.id) ?? Infinity) < ranked ? 1 : 0));
      byLength.set(ranked, inPool);
    }
    tables.push(songs.table.prefix(above, inPool));
  }
  return tables;
}

/**
 * What one process holds of one catalog version, per database client: the model and clusters,
 * and the candidates and tracks read for it. Every request reads the version first
 * (readCatalogAndLikedTracks), so a re-seed by any process is seen at the next request.
 */
interface CatalogHeld {
  version: string;
  info: CatalogInfo;
  scaler: Scaler;
  clusterById: Map<number, CatalogInfo["clusters"][number]>;
  /**
   * Candidate pools by cluster, of CANDIDATE_POOL or CACHED_POOL_LIMIT songs (above popularity 0;
   * smaller sizes and floors are prefixes), read once per version (the biggest query of a request,
   * and its z-scores). Larger pools are rare, read when asked and not kept.
   */
  pools: Map<string, Promise<CandidatePool>>;
  /** Genre and artist ids of every candidate table made for this version. */
  vocabulary: CandidateVocabulary;
  /**
   * Songs of one cluster by one primary artist (any popularity, most popular first), ready to
   * rank, the most recently used kept: a user's artists repeat from one visit to the next, and
   * reading them costs more than ranking them. Only the artists not held yet are read.
   */
  artistSongs: Map<string, ArtistSongs>;
  /**
   * Tracks read by id for requests of at most CACHED_REQUEST_IDS ids (null: not in this catalog),
   * the most recently used kept: the same liked songs come back request after request, and reading
   * and standardizing their rows was most of a warm request's database work. Rows of one version
   * never change, so a request that finds all its ids here only reads the version.
   */
  tracksById: Map<string, RecTrack | null>;
}

const TRACKS_BY_ID_ENTRIES = 50_000;
/**
 * Requests with more ids (the page's, with a whole library of up to 100,000 songs) are read from
 * the database each time: held, a few of them would push everyone else's songs out.
 */
const CACHED_REQUEST_IDS = 1_000;

/** `map` as a most-recently-used cache: `key` set (or moved) to the end, the oldest dropped past `limit`. */
function setRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number) {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}

const heldByDb = new WeakMap<Db, { version: string; held: Promise<CatalogHeld | null> }>();

/** The catalog as seeded: caches are kept per version, so a re-seed is seen at the next request. */
function catalogVersion(model: { seededAt: Date; datasetChecksum: string; k: number }): string {
  return `${model.seededAt.toISOString()}:${model.datasetChecksum}:${model.k}`;
}

/**
 * The catalog `version` names, from this process's memory or read once (concurrent requests share
 * the read); null when the catalog read is already another version (re-seeded meanwhile).
 */
function catalogHeld(db: Db, version: string, given?: CatalogInfo): Promise<CatalogHeld | null> {
  const current = heldByDb.get(db);
  if (current?.version === version) return current.held;
  const held = (async () => {
    const info = given && catalogVersion(given.model) === version ? given : await readCatalogInfo(db);
    if (!info || catalogVersion(info.model) !== version) return null;
    return {
      version, info,
      scaler: { means: info.model.scalerMeans, stds: info.model.scalerStds },
      clusterById: new Map(info.clusters.map((c) => [c.id, c])),
      pools: new Map(),
      vocabulary: new CandidateVocabulary(),
      artistSongs: new Map(),
      tracksById: new Map(),
    } satisfies CatalogHeld;
  })();
  heldByDb.set(db, { version, held });
  held.then(
    (value) => { if (value === null && heldByDb.get(db)?.held === held) heldByDb.delete(db); },
    () => { if (heldByDb.get(db)?.held === held) heldByDb.delete(db); }, // a failed read is retried by the next request
  );
  return held;
}

/**
 * The query of a request whose tracks are not all held: the catalog's version and the liked
 * tracks by id, in one round trip and one snapshot (so the rows belong to that version). Plain SQL on the pool under Prisma
 * where there is one (client.ts sqlPoolOf), a named statement PostgreSQL parses once per connection.
 */
const VERSION_AND_TRACKS_SQL = `
  SELECT m.seeded_at AS "seededAt", m.dataset_checksum AS "datasetChecksum", m.k,
    t.id, t.name, t.artists, t.primary_artist AS "primaryArtist", t.release_year AS "releaseYear",
    t.popularity, t.explicit, t.cluster_id AS "clusterId", t.match_key AS "matchKey", t.genres,
    t.artist_genres AS "artistGenres", ${CLUSTER_FEATURES.map((f) => `t.${f}`).join(", ")}
  FROM catalog_model m LEFT JOIN track t ON t.id = ANY($1::bpchar[])
  WHERE m.id = 1`;

type VersionAndTrackRow = { seededAt: Date; datasetChecksum: string; k: number } & ({ id: null } | TrackRow);

async function readVersionAndTracks(db: Db, ids: string[]): Promise<VersionAndTrackRow[]> {
  const pool = sqlPoolOf(db);
  if (!pool) return db.$queryRawUnsafe<VersionAndTrackRow[]>(VERSION_AND_TRACKS_SQL, ids);
  const result = await pool.query<VersionAndTrackRow>({ name: "recommend-version-and-tracks", text: VERSION_AND_TRACKS_SQL, values: [ids] });
  return result.rows;
}

/**
 * The catalog's version alone, for a request whose tracks are all held: one read shared by the
 * requests that ask while it is on its way (fresh-read.ts), so under load most requests send no
 * query, and each still sees every re-seed committed before it asked.
 */
const VERSION_SQL = `SELECT seeded_at AS "seededAt", dataset_checksum AS "datasetChecksum", k FROM catalog_model WHERE id = 1`;
/**
 * A version read that takes longer fails, and its requests read on their own: requests wait on
 * the one shared read, so a read stuck on a dropped connection must not hold them all.
 */
const VERSION_READ_TIMEOUT_MS = 2_000;
// pg honours query_timeout per query (lib/client.js), though its types list it for clients only.
const VERSION_QUERY = { name: "recommend-version", text: VERSION_SQL, query_timeout: VERSION_READ_TIMEOUT_MS };
const versionReads = new WeakMap<Db, () => Promise<string | null>>();

function freshCatalogVersion(db: Db): Promise<string | null> {
  let read = versionReads.get(db);
  if (!read) {
    read = sharedFreshRead(async () => {
      const pool = sqlPoolOf(db);
      type Row = { seededAt: Date; datasetChecksum: string; k: number };
      const rows = pool
        ? (await pool.query<Row>(VERSION_QUERY)).rows
        : await db.$queryRawUnsafe<Row[]>(VERSION_SQL);
      return rows.length ? catalogVersion(rows[0]) : null;
    });
    versionReads.set(db, read);
  }
  return read();
}

/** The catalog this request is answered from, and the liked tracks found by id. */
async function readCatalogAndLikedTracks(db: Db, request: RecommendationRequest, given?: CatalogInfo) {
  const ids = [...new Set(request.trackIds)];
  const current = heldByDb.get(db);
  const known = current && (await current.held.catch(() => null));
  if (known && ids.length <= CACHED_REQUEST_IDS) {
    // Taken before the await: other requests may push these out of the cache meanwhile.
    const cached = ids.map((id) => known.tracksById.get(id));
    // A failed shared read sends this request down the path below, with a query of its own.
    if (cached.every((track) => track !== undefined) && (await freshCatalogVersion(db).catch(() => null)) === known.version) {
      const byId = new Map<string, RecTrack>();
      ids.forEach((id, i) => {
        const track = cached[i]!;
        setRecent(known.tracksById, id, track, TRACKS_BY_ID_ENTRIES);
        if (track) byId.set(id, track);
      });
      return { held: known, byId };
    }
  }
  // A re-seed between the version query and reading the model makes the two disagree: read again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const rows = await readVersionAndTracks(db, ids);
    if (rows.length === 0) throw new CatalogNotSeededError();
    const held = await catalogHeld(db, catalogVersion(rows[0]), given);
    if (!held) continue;
    const read = new Map<string, RecTrack>();
    for (const row of rows) if (row.id !== null) read.set(row.id as string, toRecTrack(row as TrackRow, held.scaler));
    if (ids.length <= CACHED_REQUEST_IDS) {
      for (const id of ids) setRecent(held.tracksById, id, read.get(id) ?? null, TRACKS_BY_ID_ENTRIES);
    }
    return { held, byId: read };
  }
  throw new Error("the catalog changed three times while reading it");
}

/** A cluster's songs by each of `artists` (primary artist, as the catalog spells it) that has any. */
async function tracksByArtistsInCluster(
  db: Db, held: CatalogHeld, clusterId: number, artists: readonly string[],
): Promise<ArtistSongs[]> {
  const cache = held.artistSongs;
  const key = (artist: string) => `${clusterId}|${artist}`;
  const found = new Map<string, ArtistSongs>();
  for (const artist of artists) {
    const entry = cache.get(key(artist));
    if (entry) found.set(artist, entry), setRecent(cache, key(artist), entry, ARTIST_CACHE_ENTRIES);
  }
  const missing = artists.filter((artist) => !found.has(artist));
  if (missing.length > 0) {
    const rows = await db.track.findMany({
      where: { clusterId, primaryArtist: { in: missing } },
      orderBy: [{ popularity: "desc" }, { id: "asc" }],
      take: MAX_CANDIDATE_POOL,
      select: TRACK_SELECT,
    });
    const read = new Map<string, RecTrack[]>(missing.map((artist) => [artist, []]));
    for (const row of rows) read.get(row.primaryArtist)?.push(toRecTrack(row, held.scaler));
    for (const [artist, tracks] of read) {
      // Most liked artists have no song in a given cluster: those share one empty entry.
      const entry = tracks.length ? { table: candidateTable(tracks, held.vocabulary), inPool: new WeakMap() } : NO_ARTIST_SONGS;
      found.set(artist, entry);
      setRecent(cache, key(artist), entry, ARTIST_CACHE_ENTRIES);
    }
  }
  return artists.flatMap((artist) => {
    const entry = found.get(artist)!;
    return entry.table.length > 0 ? [entry] : [];
  });
}

const ARTIST_CACHE_ENTRIES = 50_000;

/** Candidates are the most popular songs of a cluster above a floor; ranking then reorders them by taste. */
const CANDIDATE_POOL = 1_500;
const MAX_CANDIDATE_POOL = 24_000;
const CACHED_POOL_LIMIT = 6_000;

function topTracksInCluster(db: Db, held: CatalogHeld, clusterId: number, floor: number, size: number): Promise<PoolAboveFloor> {
  // Songs come most popular first (a total order), so the `size` most popular above a floor are a
  // prefix of a larger pool: two cached sizes per cluster serve every size and floor asked for.
  const loaded = size <= CANDIDATE_POOL ? CANDIDATE_POOL : size <= CACHED_POOL_LIMIT ? CACHED_POOL_LIMIT : size;
  const key = `${clusterId}:${loaded}`;
  let load = held.pools.get(key);
  if (!load) {
    load = db.track
      .findMany({
        where: { clusterId },
        orderBy: [{ popularity: "desc" }, { id: "asc" }],
        take: loaded,
        select: TRACK_SELECT,
      })
      .then((rows) => {
        const tracks = rows.map((row) => toRecTrack(row, held.scaler));
        return { table: candidateTable(tracks, held.vocabulary), rowById: new Map(tracks.map((t, row) => [t.id, row])) };
      });
    if (loaded <= CACHED_POOL_LIMIT) {
      held.pools.set(key, load);
      load.catch(() => held.pools.delete(key)); // a failed read is retried by the next request
    }
  }
  return load.then((pool) => {
    const first = pool.table.prefix(size);
    return { pool, table: floor <= 0 ? first : first.prefix(first.rowsAbove(floor)) };
  });
}

async function matchLikedTracks(db: Db, request: RecommendationRequest, held: CatalogHeld, byId: ReadonlyMap<string, RecTrack>) {
  const ids = [...new Set(request.trackIds)];
  const notFoundIds = ids.filter((id) => !byId.has(id));

  // Songs whose id is not in the catalog may still be there under another id (remasters, re-releases).
  const notFound = new Set(notFoundIds);
  const nameQueries = (request.byName ?? []).filter((s) => notFound.has(s.id));
  const nameRows = nameQueries.length
    ? await db.track.findMany({
        where: { matchKey: { in: [...new Set(nameQueries.map((s) => s.matchKey))] } },
        orderBy: [{ popularity: "desc" }, { id: "asc" }],
        select: TRACK_SELECT,
      })
    : [];
  const byMatchKey = new Map<string, RecTrack>();
  for (const row of nameRows) if (!byMatchKey.has(row.matchKey)) byMatchKey.set(row.matchKey, toRecTrack(row, held.scaler));
  const matchedByName = new Map(
    nameQueries.flatMap((s) => (byMatchKey.has(s.matchKey) ? [[s.id, byMatchKey.get(s.matchKey)!] as const] : [])),
  );

  // Keep the caller's order (most recent first): it decides ties between clusters.
  const tracks = ids.flatMap((id) => byId.get(id) ?? matchedByName.get(id) ?? []);
  return {
    tracks,
    ids: new Set(tracks.map((t) => t.id).concat(ids)),
    matchKeys: new Set(tracks.map((t) => t.matchKey)),
    matched: {
      byId: byId.size,
      byName: matchedByName.size,
      notFound: notFoundIds.filter((id) => !matchedByName.has(id)),
    },
  };
}
