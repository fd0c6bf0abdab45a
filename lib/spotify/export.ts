import "server-only";
import { createHash } from "node:crypto";
import { withAdvisoryLock } from "../db/advisory-lock";
import type { Db } from "../db/client";
import type { UserSpotify } from "./client";

/** POST /playlists/{id}/items takes at most 100 URIs a request. */
const ITEMS_PER_REQUEST = 100;

export interface ExportResult {
  playlistId: string;
  playlistUrl: string;
  added: number;
  /**
   * True when the playlist already existed: this call repeated an export of the same list (or
   * continued one that had stopped half-way) and updated that playlist instead of making another.
   */
  resumed: boolean;
}

interface CreatedPlaylist {
  id: string;
  external_urls: { spotify: string };
}

/** Same name and same songs in the same order: the same export. */
export function exportKey(name: string, trackUris: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify([name, trackUris])).digest("hex");
}

// Concurrent calls for the same export in this process (a double click) share one run;
// across processes an advisory lock on the export makes the later one wait and resume.
const running = new Map<string, Promise<ExportResult>>();

/**
 * Saves `trackIds` as a private playlist. Progress is recorded after every
 * step, so a retry of the same export never makes a second playlist: it
 * resumes into the first one, and after checking with Spotify how many songs
 * the playlist already holds it adds only the rest. Clicked in two app
 * processes at once, the second run waits for the first, then finds it done.
 */
export function exportPlaylist(
  db: Db,
  spotify: UserSpotify,
  userId: string,
  request: { name: string; description: string; trackIds: string[] },
): Promise<ExportResult> {
  const uris = request.trackIds.map((id) => `spotify:track:${id}`);
  const key = `${userId}:${exportKey(request.name, uris)}`;
  const pending = running.get(key);
  if (pending) return pending;
  const run = withAdvisoryLock(db, `playlist-export:${key}`, () => runExport(db, spotify, userId, request, uris)).finally(() =>
    running.delete(key),
  );
  running.set(key, run);
  return run;
}

async function runExport(
  db: Db,
  spotify: UserSpotify,
  userId: string,
  request: { name: string; description: string },
  uris: string[],
): Promise<ExportResult> {
  const requestKey = exportKey(request.name, uris);
  let record =
    (await db.playlistExport.findUnique({ where: { userId_requestKey: { userId, requestKey } } })) ??
    (await db.playlistExport
      .create({ data: { userId, requestKey, name: request.name, trackUris: uris } })
      .catch(async () => db.playlistExport.findUniqueOrThrow({ where: { userId_requestKey: { userId, requestKey } } })));
  const resumed = record.playlistId !== null;

  if (!record.playlistId) {
    const playlist = await spotify.call((sdk) =>
      sdk.makeRequest<CreatedPlaylist>("POST", "me/playlists", { name: request.name, description: request.description, public: false }),
    );
    record = await db.playlistExport.update({
      where: { id: record.id },
      data: { playlistId: playlist.id, playlistUrl: playlist.external_urls.spotify },
    });
  } else if (record.addedCount < uris.length) {
    // A request may have reached Spotify without us recording it: trust the playlist's own count.
    const playlistId = record.playlistId;
    const items = await spotify.call((sdk) =>
      sdk.makeRequest<{ total: number }>("GET", `playlists/${encodeURIComponent(playlistId)}/items?limit=1&fields=total`),
    );
    if (items.total !== record.addedCount) {
      record = await db.playlistExport.update({ where: { id: record.id }, data: { addedCount: Math.min(items.total, uris.length) } });
    }
  }

  const playlistId = record.playlistId!;
  for (let start = record.addedCount; start < uris.length; start += ITEMS_PER_REQUEST) {
    const chunk = uris.slice(start, start + ITEMS_PER_REQUEST);
    await spotify.call((sdk) =>
      sdk.makeRequest("POST", `playlists/${encodeURIComponent(playlistId)}/items`, { uris: chunk, position: start }),
    );
    record = await db.playlistExport.update({ where: { id: record.id }, data: { addedCount: start + chunk.length } });
  }
  return { playlistId, playlistUrl: record.playlistUrl!, added: record.addedCount, resumed };
}
