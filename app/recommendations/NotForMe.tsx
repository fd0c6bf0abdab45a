import { hideAction, unhideAction } from "./actions";
import { BUTTON_SMALL, FOCUS_RING } from "./styles";

/**
 * "Not for me" on one recommendation: hides the song, or (from "More") every song by one of its
 * artists. Plain forms posting to server actions: they work without JavaScript too.
 */
export function NotForMe({ trackId, artists, songName }: { trackId: string; artists: string[]; songName: string }) {
  return (
    <>
      <form action={hideAction}>
        <input type="hidden" name="kind" value="track" />
        <input type="hidden" name="value" value={trackId} />
        <button type="submit" className={BUTTON_SMALL} aria-label={`Not for me: ${songName}`}>Not for me</button>
      </form>
      <details className="group relative">
        <summary className={`${BUTTON_SMALL} cursor-pointer list-none [&::-webkit-details-marker]:hidden`}
          aria-label={`More choices for ${songName}`}>
          More <span aria-hidden="true" className="group-open:rotate-180">▾</span>
        </summary>
        <div className="mt-2 flex flex-col items-start gap-2">
          {artists.slice(0, 3).map((artist) => (
            <form key={artist} action={hideAction}>
              <input type="hidden" name="kind" value="artist" />
              <input type="hidden" name="value" value={artist} />
              <button type="submit" className={BUTTON_SMALL}>Hide all songs by {artist}</button>
            </form>
          ))}
        </div>
      </details>
    </>
  );
}

/** What the user hid, newest first, each with its Undo. */
export function HiddenList({ hidden }: { hidden: { kind: string; value: string; label: string }[] }) {
  if (hidden.length === 0) return null;
  return (
    <section className="rounded-xl border border-zinc-800 bg-zinc-900/60 p-4 text-sm" data-testid="hidden-list">
      <h2 className="font-semibold">Hidden</h2>
      <p className="mt-1 text-zinc-300">Never recommended to you again, until you undo it.</p>
      <ul className="mt-3 flex flex-wrap gap-2">
        {hidden.map((item) => (
          <li key={`${item.kind}:${item.value}`} className="flex max-w-full items-center gap-2 rounded-full border border-zinc-700 py-1 pl-3 pr-1"
            data-hidden-kind={item.kind} data-hidden-value={item.value}>
            <span className="min-w-0 truncate" title={item.label}>{item.label}</span>
            <form action={unhideAction}>
              <input type="hidden" name="kind" value={item.kind} />
              <input type="hidden" name="value" value={item.value} />
              <button type="submit" aria-label={`Undo: show ${item.label} again`}
                className={`rounded-full px-2 py-0.5 text-brand underline-offset-2 hover:underline ${FOCUS_RING}`}>Undo</button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
