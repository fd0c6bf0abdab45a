"use client";

import { useActionState } from "react";
import { exportPlaylistAction, type ExportState } from "./actions";
import { FOCUS_RING } from "./styles";

export function ExportButton({ name, trackIds }: { name: string; trackIds: string[] }) {
  const [state, action, pending] = useActionState<ExportState, FormData>(exportPlaylistAction, { status: "idle" });
  return (
    <form action={action} className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="trackIds" value={trackIds.join(",")} />
      <button
        type="submit"
        disabled={pending || trackIds.length === 0}
        className={`rounded-full bg-brand px-5 py-2 font-semibold text-black hover:brightness-110 disabled:opacity-50 ${FOCUS_RING}`}
      >
        {pending ? "Saving…" : "Save as a Spotify playlist"}
      </button>
      <p aria-live="polite" className="min-w-0 text-sm">
        {state.status === "done" && (
          <span data-testid="export-done">
            {/* A repeat save of the same list finds its playlist again (lib/spotify/export.ts): no second copy. */}
            {state.updated
              ? `Updated your private playlist: it holds these ${state.added} songs, no copy made — `
              : `Saved ${state.added} songs to a private playlist: `}
            <a href={state.url} target="_blank" rel="noreferrer" className={`text-brand underline ${FOCUS_RING}`}>
              open it in Spotify
            </a>
          </span>
        )}
        {state.status === "error" && (
          <span role="alert" className="text-amber-300">
            {state.message} {state.signInAgain && <a href="/auth/expired" className={`underline ${FOCUS_RING}`}>Sign in again</a>}
          </span>
        )}
      </p>
    </form>
  );
}
