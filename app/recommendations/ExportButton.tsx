"use client";

import { useActionState } from "react";
import { exportPlaylistAction, type ExportState } from "./actions";

export function ExportButton({ name, trackIds }: { name: string; trackIds: string[] }) {
  const [state, action, pending] = useActionState<ExportState, FormData>(exportPlaylistAction, { status: "idle" });
  return (
    <form action={action} className="flex flex-wrap items-center gap-4">
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="trackIds" value={trackIds.join(",")} />
      <button
        type="submit"
        disabled={pending || trackIds.length === 0}
        className="rounded-full bg-brand px-5 py-2 font-semibold text-black hover:brightness-110 disabled:opacity-50"
      >
        {pending ? "Saving…" : "Save as a Spotify playlist"}
      </button>
      <p aria-live="polite" className="text-sm">
        {state.status === "done" && (
          <span data-testid="export-done">
            Saved {state.added} songs to a private playlist:{" "}
            <a href={state.url} target="_blank" rel="noreferrer" className="text-brand underline">
              open it in Spotify
            </a>
          </span>
        )}
        {state.status === "error" && (
          <span role="alert" className="text-amber-300">
            {state.message} {state.signInAgain && <a href="/auth/expired" className="underline">Sign in again</a>}
          </span>
        )}
      </p>
    </form>
  );
}
