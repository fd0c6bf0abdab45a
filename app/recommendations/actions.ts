"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/server";
import { addExclusion, exclusionSchema, removeExclusion } from "@/lib/recommend/exclusions";
import { SPOTIFY_ID } from "@/lib/recommend/request";
import { SpotifyApiError, spotifyForUser } from "@/lib/spotify/client";
import { exportPlaylist } from "@/lib/spotify/export";
import { SpotifyUnavailableError } from "@/lib/spotify/http";
import { SignInRequiredError } from "@/lib/spotify/tokens";

export type ExportState =
  | { status: "idle" }
  | { status: "done"; url: string; added: number; updated: boolean }
  | { status: "error"; message: string; signInAgain?: boolean };

const exportForm = z.object({
  name: z.string().trim().min(1).max(100),
  trackIds: z
    .string()
    .transform((text) => text.split(","))
    .pipe(z.array(z.string().regex(SPOTIFY_ID)).min(1).max(100)),
});

/** Saves the shown recommendations as a private playlist (Next checks the Origin of server actions: CSRF). */
export async function exportPlaylistAction(_previous: ExportState, form: FormData): Promise<ExportState> {
  const user = await currentUser();
  if (!user) return { status: "error", message: "Please sign in again.", signInAgain: true };
  const parsed = exportForm.safeParse({ name: form.get("name"), trackIds: form.get("trackIds") });
  if (!parsed.success) return { status: "error", message: "Nothing to export." };

  const db = await getDb();
  try {
    const result = await exportPlaylist(db, spotifyForUser(db, user.id), user.id, {
      name: parsed.data.name,
      description: "Recommended by Taste Clusters from your liked songs.",
      trackIds: parsed.data.trackIds,
    });
    return { status: "done", url: result.playlistUrl, added: result.added, updated: result.resumed };
  } catch (error) {
    if (error instanceof SignInRequiredError) return { status: "error", message: error.message, signInAgain: true };
    if (error instanceof SpotifyUnavailableError || error instanceof SpotifyApiError) {
      return { status: "error", message: "Spotify did not finish saving the playlist. Press the button again to resume where it stopped." };
    }
    throw error;
  }
}

/** "Not for me": hides a song or an artist from this user's recommendations; the page re-renders without it. */
export async function hideAction(form: FormData): Promise<void> {
  await changeExclusion(form, addExclusion);
}

/** Undo of "Not for me". */
export async function unhideAction(form: FormData): Promise<void> {
  await changeExclusion(form, removeExclusion);
}

async function changeExclusion(form: FormData, change: typeof addExclusion): Promise<void> {
  const user = await currentUser();
  if (!user) return; // signed out meanwhile: the page's own check sends them to sign in
  const parsed = exclusionSchema.safeParse({ kind: form.get("kind"), value: form.get("value") });
  if (!parsed.success) return; // not a form this page renders: nothing to change
  await change(await getDb(), user.id, parsed.data);
  revalidatePath("/recommendations");
}
