import { Suspense } from "react";
import { AppHeader } from "@/app/components/AppHeader";
import type { SyncProgress, SyncProgressFeed } from "@/lib/spotify/sync-progress";

/**
 * What a first visit shows while its liked songs are read. The progress is streamed by the very
 * request that runs the sync, as nested Suspense boundaries: each step waits for the next one
 * worth showing and puts it in its own fallback, which the step after it replaces. Nothing is
 * polled, so nothing needs to be shared between app processes: the numbers come from this
 * request's own sync, and the page replaces them with the recommendations when they are ready.
 */
export function FirstSyncProgress({ userName, progress }: { userName: string; progress: SyncProgressFeed }) {
  return (
    <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6">
      <AppHeader userName={userName} className="mb-8" placeholder />
      <section className="rounded-xl border border-zinc-800 bg-zinc-900/60 p-6 sm:p-8" data-testid="sync-progress">
        <h1 className="text-2xl font-semibold">Getting to know your taste</h1>
        <p className="mt-2 text-zinc-300">
          The first visit reads every song you have liked on Spotify; later visits only read what is new.
        </p>
        <div role="status" className="mt-6">
          <Suspense fallback={<ProgressLine progress={null} />}>
            <NextStep feed={progress} shown={null} />
          </Suspense>
        </div>
      </section>
    </main>
  );
}

async function NextStep({ feed, shown }: { feed: SyncProgressFeed; shown: SyncProgress | null }) {
  const step = await feed.next(shown);
  if (!step) return <ProgressLine progress={shown} finished />;
  return (
    <Suspense fallback={<ProgressLine progress={step} />}>
      <NextStep feed={feed} shown={step} />
    </Suspense>
  );
}

const count = (n: number) => n.toLocaleString("en-US");

function ProgressLine({ progress, finished = false }: { progress: SyncProgress | null; finished?: boolean }) {
  if (!progress) return <p data-testid="sync-progress-line">{finished ? "Finding your recommendations…" : "Reading your liked songs…"}</p>;
  const done = finished || progress.read >= progress.total;
  return (
    <div className="space-y-3">
      <p data-testid="sync-progress-line" className="tabular-nums">
        {done
          ? `Read your ${count(progress.total)} liked songs. Finding your recommendations…`
          : `Reading your liked songs: ${count(progress.read)} of ${count(progress.total)}`}
      </p>
      <progress
        className="h-2 w-full accent-brand"
        value={Math.min(progress.read, progress.total)}
        max={Math.max(progress.total, 1)}
        aria-label="Liked songs read"
      />
    </div>
  );
}
